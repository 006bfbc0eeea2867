// Which failures mean "a dependency is away" (wait and retry the batch, never dead-letter it)
// rather than "this data cannot be stored" (retry a little, then dead-letter the culprit).

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

export function isTransient(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown; name?: unknown } | undefined;
  if (!e) return false;
  const code = typeof e.code === 'string' ? e.code : '';
  if (NETWORK_CODES.has(code)) return true;
  // SQLSTATE 08xxx: connection exceptions; 57P0x: the server is shutting down or starting;
  // 53xxx: out of resources; 40001/40P01: serialization failure and deadlock (retry is the cure).
  if (/^(08|53)/.test(code) || /^57P0/.test(code) || code === '40001' || code === '40P01') return true;
  const message = typeof e.message === 'string' ? e.message : '';
  return (
    /Connection terminated|connection timeout|timeout exceeded when trying to connect|Connection is closed|MaxRetriesPerRequest|Client has encountered a connection error|the database system is|Stream isn't writeable/i.test(
      message,
    ) || e.name === 'MaxRetriesPerRequestError'
  );
}
