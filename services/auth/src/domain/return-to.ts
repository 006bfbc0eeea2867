/**
 * Where the web app goes after a social login: a path on our own origin only. Anything else
 * (absolute URLs, protocol-relative `//evil`, backslashes, control characters) becomes "/",
 * so the flow can never be used as an open redirect.
 */
export function safeReturnTo(value: string | undefined): string {
  if (!value || value.length > 512) return '/';
  if (!value.startsWith('/') || value.startsWith('//') || value.includes('\\')) return '/';
  if (/\p{Cc}/u.test(value)) return '/';
  return value;
}
