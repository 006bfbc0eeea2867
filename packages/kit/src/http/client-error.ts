import type { Socket } from 'node:net';
import { PROBLEM_CONTENT_TYPE, problemBody, statusTitle } from './problem-error.ts';

/** What Node's HTTP parser refuses, by its error code: status and problem code. */
function classify(code: string | undefined): [number, string] {
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return [408, 'REQUEST_TIMEOUT'];
  if (code === 'HPE_HEADER_OVERFLOW') return [431, 'HEADERS_TOO_LARGE'];
  return [400, 'MALFORMED_REQUEST'];
}

/**
 * Node-level refusals (a request its parser rejects, a head or body that took too long, an
 * oversized head) answered as problem+json like every other error, then the connection closed.
 * A reset connection gets nothing (nobody is there to read it).
 */
export function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, code] = classify(error.code);
  if (socket.writable) {
    const body = JSON.stringify(problemBody(status, code, statusTitle(status)));
    socket.write(
      `HTTP/1.1 ${status} ${statusTitle(status)}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}
