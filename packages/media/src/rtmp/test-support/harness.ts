// A server on an ephemeral port with recording hooks, for integration tests.
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { afterAll, afterEach } from 'vitest';
import { createLiveFlvStream } from '../../flv/live-flv-stream.ts';
import type { FlvTag } from '../../flv/tag.ts';
import type { RtmpLimits } from '../limits.ts';
import { createRtmpServer, type RtmpServer } from '../server.ts';
import type { PublishSession, SessionCodecs } from '../session.ts';
import type { Authorize, EndReason, PublishRequest, RtmpLogger } from '../types.ts';
import { FixtureDir } from './fixtures.ts';
import { withDeadline } from './wait.ts';

export type LogEntry = { level: string; msg: string | undefined; fields: Record<string, unknown> };

export type Recording = {
  session: PublishSession<unknown>;
  tags: FlvTag[];
  codecs: { changed: 'audio' | 'video'; codecs: SessionCodecs }[];
  ended: Promise<{ reason: EndReason; error?: Error }>;
};

/** Records everything a session emits, from the publish event on. */
export function record(session: PublishSession<unknown>): Recording {
  const tags: FlvTag[] = [];
  const codecs: Recording['codecs'] = [];
  session.on('tag', (tag) => tags.push(tag));
  session.on('codecs', (c, changed) => codecs.push({ changed, codecs: structuredClone(c) }));
  const ended = new Promise<{ reason: EndReason; error?: Error }>((resolve) =>
    session.on('end', (reason, error) => resolve(error ? { reason, error } : { reason })),
  );
  return { session, tags, codecs, ended };
}

export type Harness = {
  server: RtmpServer<unknown>;
  port: number;
  authorizeCalls: PublishRequest[];
  recordings: Recording[];
  logs: LogEntry[];
  /** Resolves with the n-th (0-based) publish recording. */
  publish(n?: number, timeoutMs?: number): Promise<Recording>;
  close(): Promise<void>;
};

export async function startHarness(
  options: { authorize?: Authorize<unknown>; limits?: Partial<RtmpLimits>; chunkSize?: number } = {},
): Promise<Harness> {
  const logs: LogEntry[] = [];
  const log =
    (level: string) =>
    (fields: Record<string, unknown>, msg?: string): void => {
      logs.push({ level, msg, fields });
      if (process.env.RTMP_TEST_LOG) console.log(level, msg, fields);
    };
  const logger: RtmpLogger = { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
  const authorizeCalls: PublishRequest[] = [];
  const authorize = options.authorize ?? (() => ({ allow: true as const, context: { test: true } }));
  const recordings: Recording[] = [];
  const waiters: (() => void)[] = [];
  const server = createRtmpServer<unknown>({
    logger,
    ...(options.limits ? { limits: options.limits } : {}),
    ...(options.chunkSize ? { chunkSize: options.chunkSize } : {}),
    authorize: (request, ctx) => {
      authorizeCalls.push(request);
      return authorize(request, ctx);
    },
  });
  server.on('publish', (session) => {
    recordings.push(record(session));
    for (const w of waiters.splice(0)) w();
  });
  const { port } = await server.listen(0, '127.0.0.1');
  return {
    server,
    port,
    authorizeCalls,
    recordings,
    logs,
    publish(n = 0, timeoutMs = 10_000) {
      return withDeadline(
        new Promise<Recording>((resolve) => {
          const check = () => {
            const r = recordings[n];
            if (r) resolve(r);
            else waiters.push(check);
          };
          check();
        }),
        timeoutMs,
        `publish #${n}`,
      );
    },
    close: () => server.close(),
  };
}

/**
 * Writes the FLV a player would get of each session published to `harness` into `file`;
 * `written()` waits (up to 5 s) until the last session's file is complete.
 */
export function writeSessionsTo(harness: Harness, file: string): { written(): Promise<void> } {
  let writing: Promise<void> | undefined;
  harness.server.on('publish', (session) => {
    writing = pipeline(createLiveFlvStream(session), createWriteStream(file));
  });
  return {
    written: () => withDeadline(writing ?? Promise.reject(new Error('nothing was published')), 5_000, 'FLV written'),
  };
}

/**
 * For a describe block: `start()` gives each test its own harness, closed after the test; `dir`
 * is the block's fixture directory, removed after it.
 */
export function harnessPerTest(): { start: typeof startHarness; dir: FixtureDir } {
  let current: Harness | undefined;
  const dir = new FixtureDir();
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
  afterAll(() => dir.remove());
  return {
    async start(options) {
      current = await startHarness(options);
      return current;
    },
    dir,
  };
}
