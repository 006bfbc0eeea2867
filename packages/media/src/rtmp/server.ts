// The RTMP ingest server: accepts connections, runs one RtmpConnection per socket, surfaces
// authorized publishes as sessions, and shuts down gracefully.
import { randomUUID } from 'node:crypto';
import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import { RtmpConnection } from './connection.ts';
import { Emitter } from './emitter.ts';
import { type RtmpLimits, resolveLimits } from './limits.ts';
import type { PublishSession } from './session.ts';
import { type Authorize, type RtmpLogger, silentLogger } from './types.ts';

export type RtmpServerOptions<C> = {
  /** Decides every publish before any of its media is accepted. */
  authorize: Authorize<C>;
  /** Convenience for server.on('publish', ...). */
  onPublish?: (session: PublishSession<C>) => void;
  logger?: RtmpLogger;
  limits?: Partial<RtmpLimits>;
  /** Outgoing chunk size announced after connect (default 4096, what OBS and nginx-rtmp use). */
  chunkSize?: number;
  /** Window Acknowledgement Size / Set Peer Bandwidth we announce (default 2 500 000, like FMS). */
  windowAckSize?: number;
};

export type RtmpServerEvents<C> = {
  /** An authorized publish started. Attach listeners synchronously: media follows right after. */
  publish: (session: PublishSession<C>) => void;
  /** The listening socket failed (accept errors; per-connection errors never surface here). */
  error: (error: Error) => void;
};

export interface RtmpServer<C = unknown> {
  listen(port?: number, host?: string): Promise<AddressInfo>;
  /** Stops accepting, ends every session with 'shutdown', resolves when all sockets are closed. */
  close(): Promise<void>;
  address(): AddressInfo | null;
  /** Live publish sessions. */
  sessions(): PublishSession<C>[];
  findSession(app: string, streamKey: string): PublishSession<C> | undefined;
  readonly connectionCount: number;
  on<K extends keyof RtmpServerEvents<C>>(event: K, listener: RtmpServerEvents<C>[K]): () => void;
  off<K extends keyof RtmpServerEvents<C>>(event: K, listener: RtmpServerEvents<C>[K]): void;
}

export function createRtmpServer<C = unknown>(options: RtmpServerOptions<C>): RtmpServer<C> {
  const logger = options.logger ?? silentLogger;
  const limits = resolveLimits(options.limits);
  const chunkSize = options.chunkSize ?? 4096;
  const windowAckSize = options.windowAckSize ?? 2_500_000;
  if (!Number.isInteger(chunkSize) || chunkSize < 128 || chunkSize > 0xffffff) {
    throw new RangeError('chunkSize must be an integer in 128 .. 16777215');
  }
  const events = new Emitter<RtmpServerEvents<C>>((err, event) =>
    logger.error({ err, event }, 'rtmp server listener threw'),
  );
  if (options.onPublish) events.on('publish', options.onPublish);

  const connections = new Set<RtmpConnection<C>>();
  /** Open connections per remote address, for maxConnectionsPerIp. */
  const perIp = new Map<string, number>();
  let closing: Promise<void> | undefined;

  const server: Server = createServer({ keepAlive: true, keepAliveInitialDelay: 30_000 }, (socket: Socket) => {
    if (closing) {
      socket.destroy();
      return;
    }
    const ip = socket.remoteAddress ?? '';
    const open = perIp.get(ip) ?? 0;
    if (open >= limits.maxConnectionsPerIp) {
      logger.warn({ remoteAddress: ip, open }, 'rtmp connection refused: maxConnectionsPerIp');
      socket.destroy();
      return;
    }
    perIp.set(ip, open + 1);
    let counted = true;
    const release = () => {
      if (!counted) return;
      counted = false;
      const left = (perIp.get(ip) ?? 1) - 1;
      if (left > 0) perIp.set(ip, left);
      else perIp.delete(ip);
    };
    socket.once('close', release);
    const connection = new RtmpConnection<C>({
      socket,
      id: randomUUID(),
      limits,
      logger,
      authorize: options.authorize,
      chunkSize,
      windowAckSize,
      onPublish: (session) => events.emit('publish', session),
      onClose: (c) => {
        connections.delete(c);
        release();
      },
    });
    connections.add(connection);
    logger.debug({ connectionId: connection.id, remoteAddress: connection.remoteAddress }, 'rtmp connection');
  });
  server.maxConnections = limits.maxConnections;
  server.on('error', (err) => events.emit('error', err));
  server.on('drop', (data) =>
    logger.warn({ remoteAddress: data?.remoteAddress }, 'rtmp connection refused: maxConnections'),
  );

  const live = (): PublishSession<C>[] => {
    const out: PublishSession<C>[] = [];
    for (const c of connections) if (c.session && !c.session.ended) out.push(c.session);
    return out;
  };

  return {
    listen(port = 1935, host?: string) {
      return new Promise<AddressInfo>((resolve, reject) => {
        const onError = (err: Error) => reject(err);
        server.once('error', onError);
        server.listen(port, host, () => {
          server.off('error', onError);
          const address = server.address() as AddressInfo;
          logger.info({ port: address.port, host: address.address }, 'rtmp server listening');
          resolve(address);
        });
      });
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        const all = [...connections];
        for (const c of all) c.shutdown();
        const listening = server.listening ? new Promise<void>((r) => server.close(() => r())) : Promise.resolve();
        void Promise.all([listening, ...all.map((c) => c.closed)]).then(() => {
          logger.info({ connections: all.length }, 'rtmp server closed');
          resolve();
        });
      });
      return closing;
    },
    address: () => server.address() as AddressInfo | null,
    sessions: live,
    findSession: (app, streamKey) => live().find((s) => s.app === app && s.streamKey === streamKey),
    get connectionCount() {
      return connections.size;
    },
    on: (event, listener) => events.on(event, listener),
    off: (event, listener) => events.off(event, listener),
  };
}
