// A failure with an HTTP meaning: thrown by routes and domain adapters, rendered as RFC 9457
// problem+json by the app's error handler. `code` is stable and machine-readable.
export class ProblemError extends Error {
  readonly status: number;
  readonly code: string;
  readonly extra: Record<string, unknown>;

  constructor(status: number, code: string, detail: string, extra: Record<string, unknown> = {}) {
    super(detail);
    this.name = 'ProblemError';
    this.status = status;
    this.code = code;
    this.extra = extra;
  }
}

export const badRequest = (code: string, detail: string, extra?: Record<string, unknown>) =>
  new ProblemError(400, code, detail, extra);
export const unauthorized = (code: string, detail: string) => new ProblemError(401, code, detail);
export const forbidden = (code: string, detail: string) => new ProblemError(403, code, detail);
export const notFound = (code: string, detail: string) => new ProblemError(404, code, detail);
export const conflict = (code: string, detail: string) => new ProblemError(409, code, detail);

const titles: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export function statusTitle(status: number): string {
  return titles[status] ?? (status >= 500 ? 'Server Error' : 'Client Error');
}

/** The problem document for a status and code; `type` is a stable URN per code. */
export function problemBody(status: number, code: string, detail?: string, extra: Record<string, unknown> = {}) {
  return {
    type: `urn:phzzk:problem:${code.toLowerCase().replaceAll('_', '-')}`,
    title: statusTitle(status),
    status,
    code,
    ...(detail === undefined ? {} : { detail }),
    ...extra,
  };
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';
