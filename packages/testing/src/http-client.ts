export interface JsonResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
  contentType: string;
}

/** Headers computed for each request from its method and path (with query). */
export type Signer = (method: string, path: string) => Record<string, string>;

/** A small JSON client for system tests: every call returns status, headers and parsed body. */
export class ApiClient {
  readonly baseUrl: string;
  private readonly defaultHeaders: Record<string, string>;
  private readonly signer: Signer | undefined;

  constructor(baseUrl: string, headers: Record<string, string> = {}, signer?: Signer) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.defaultHeaders = headers;
    this.signer = signer;
  }

  withHeaders(headers: Record<string, string>): ApiClient {
    return new ApiClient(this.baseUrl, { ...this.defaultHeaders, ...headers }, this.signer);
  }

  /**
   * A client that adds per-request headers, e.g. a service credential for `/internal` calls:
   * `api.withSigner((m, p) => internalCallHeaders(m, p))` (signatures are bound to method and path).
   */
  withSigner(signer: Signer): ApiClient {
    return new ApiClient(this.baseUrl, this.defaultHeaders, signer);
  }

  async request<T = unknown>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const init: RequestInit = {
      method,
      headers: {
        accept: 'application/json, application/problem+json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...this.defaultHeaders,
        ...this.signer?.(method, path),
        ...headers,
      },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      signal: AbortSignal.timeout(15_000),
    };
    const response = await fetch(`${this.baseUrl}${path}`, init);
    const text = await response.text();
    const contentType = response.headers.get('content-type') ?? '';
    let parsed: unknown = text;
    if (/json/.test(contentType) && text) parsed = JSON.parse(text);
    return {
      status: response.status,
      headers: response.headers,
      body: parsed as T,
      contentType,
    } satisfies JsonResponse<T>;
  }

  get<T = unknown>(path: string, headers?: Record<string, string>) {
    return this.request<T>('GET', path, undefined, headers);
  }
  post<T = unknown>(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.request<T>('POST', path, body, headers);
  }
  patch<T = unknown>(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.request<T>('PATCH', path, body, headers);
  }
  put<T = unknown>(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.request<T>('PUT', path, body, headers);
  }
  delete<T = unknown>(path: string, headers?: Record<string, string>) {
    return this.request<T>('DELETE', path, undefined, headers);
  }
}
