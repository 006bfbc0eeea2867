import type { HostPort } from './endpoints.ts';
import { type ProbeState, probeStateOf, tcpExchange } from './tcp-probe.ts';

const PROTOCOL_3_0 = 196608;
const CANNOT_CONNECT_NOW = '57P03'; // "the database system is starting up"

/** A protocol 3.0 StartupMessage: Int32 length, Int32 version, then name/value C strings, then \0. */
export function encodeStartupMessage(user: string, database: string): Buffer {
  const params = Buffer.from(`user\0${user}\0database\0${database}\0\0`, 'utf8');
  const head = Buffer.alloc(8);
  head.writeInt32BE(8 + params.length, 0);
  head.writeInt32BE(PROTOCOL_3_0, 4);
  return Buffer.concat([head, params]);
}

interface Message {
  type: string;
  body: Buffer;
}

/** The whole backend messages at the start of `data`; undefined when they cannot be PostgreSQL's. */
function messages(data: Buffer): Message[] | undefined {
  const out: Message[] = [];
  let at = 0;
  while (data.length - at >= 5) {
    const length = data.readInt32BE(at + 1);
    if (length < 4 || length > 65536) return undefined;
    if (data.length - at < 1 + length) break;
    out.push({ type: String.fromCharCode(data[at]!), body: data.subarray(at + 5, at + 1 + length) });
    at += 1 + length;
  }
  return out;
}

/**
 * Classifies the server's reply to a StartupMessage. An authentication request ('R') or an
 * error other than "starting up" ('E', e.g. unknown role) proves a PostgreSQL server that
 * accepts connections. With trust authentication AuthenticationOk comes first and the check of
 * the database after it, so the reply is read on to ReadyForQuery ('Z') or an error.
 */
export function classifyPostgresReply(data: Buffer): ProbeState | 'incomplete' {
  if (data.length === 0) return 'incomplete';
  if (data[0] !== 0x52 /* R */ && data[0] !== 0x45 /* E */) return 'foreign';
  const parsed = messages(data);
  if (!parsed) return 'foreign';
  for (const { type, body } of parsed) {
    if (type === 'E') return errorFields(body).get('C') === CANNOT_CONNECT_NOW ? 'starting' : 'ready';
    if (type === 'Z') return 'ready';
    // Any authentication request other than AuthenticationOk: it wants a password; it is PostgreSQL.
    if (type === 'R' && (body.length < 4 || body.readInt32BE(0) !== 0)) return 'ready';
  }
  return 'incomplete';
}

/** The SQLSTATE of the error in the server's reply, if there is one. */
export function postgresErrorCode(data: Buffer): string | undefined {
  const error = messages(data)?.find((m) => m.type === 'E');
  return error ? errorFields(error.body).get('C') : undefined;
}

function errorFields(body: Buffer): Map<string, string> {
  const fields = new Map<string, string>();
  let at = 0;
  while (at < body.length && body[at] !== 0) {
    const code = String.fromCharCode(body[at]!);
    const end = body.indexOf(0, at + 1);
    if (end < 0) break;
    fields.set(code, body.toString('utf8', at + 1, end));
    at = end + 1;
  }
  return fields;
}

/**
 * A real startup handshake, so that a port held by something else is not taken for PostgreSQL.
 * `sqlState` tells e.g. a missing database (3D000) from a missing role (28000).
 */
export async function probePostgresDetail(
  target: HostPort & { user: string; database: string },
  timeoutMs = 2000,
): Promise<{ state: ProbeState; sqlState: string | undefined }> {
  const result = await tcpExchange(target, encodeStartupMessage(target.user, target.database), {
    timeoutMs,
    isComplete: (d) => classifyPostgresReply(d) !== 'incomplete',
  });
  return { state: probeStateOf(result, classifyPostgresReply), sqlState: postgresErrorCode(result.data) };
}

export async function probePostgres(
  target: HostPort & { user: string; database: string },
  timeoutMs = 2000,
): Promise<ProbeState> {
  return (await probePostgresDetail(target, timeoutMs)).state;
}
