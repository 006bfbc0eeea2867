/**
 * A service URL that may carry HTTP Basic credentials in its user-info part
 * (`http://user:password@host:8761/eureka`, as Spring Cloud and Eureka clients take them).
 * `fetch` and undici refuse URLs with credentials, and logs must never show them: callers keep
 * the bare URL for requests and logs, and send `authorization` as a header.
 */
export interface CredentialedUrl {
  /** The URL without user-info and without a trailing slash: safe to log. */
  url: string;
  /** `Basic <base64>` when the URL carried a user name. */
  authorization?: string;
  /** The user name (never the password), e.g. to tell who registered an instance. */
  username?: string;
}

export const basicAuthorization = (username: string, password: string): string =>
  `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;

export function splitCredentials(raw: string): CredentialedUrl {
  let parsed: URL;
  try {
    parsed = new URL(raw.trim());
  } catch {
    // Not a URL: nothing to take out; the caller reports it without echoing the text.
    return { url: raw.trim().replace(/\/+$/, '') };
  }
  const username = decodeURIComponent(parsed.username);
  const password = decodeURIComponent(parsed.password);
  parsed.username = '';
  parsed.password = '';
  const url = parsed.toString().replace(/\/+$/, '');
  return username ? { url, username, authorization: basicAuthorization(username, password) } : { url };
}

/** The URL as it may be logged: user-info replaced by `***`. */
export function redactUrl(raw: string): string {
  try {
    const parsed = new URL(raw);
    if (!parsed.username && !parsed.password) return raw;
    parsed.username = '***';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return raw.replace(/\/\/[^/@]*@/, '//***@');
  }
}
