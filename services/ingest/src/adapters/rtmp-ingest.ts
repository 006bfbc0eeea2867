import type { AddressInfo } from 'node:net';
import type { Logger } from '@phzzk/kit';
import { createRtmpServer, type PublishSession, type RtmpServer } from '@phzzk/media/rtmp';
import type { Grant, IngestSessions } from '../domain/ingest-sessions.ts';
import type { MediaFacts } from '../domain/tracks.ts';
import { GopSource } from './gop-source.ts';

export interface RtmpIngestOptions {
  sessions: IngestSessions;
  logger: Logger;
  /** A publisher that sends nothing for this long is ended with `timeout`. */
  stallTimeoutMs: number;
  /** Connection limits: per-address cap, handshake and setup timeouts. */
  limits?: { maxConnectionsPerIp?: number; handshakeTimeoutMs?: number; setupTimeoutMs?: number };
  maxGopBytes: number;
  onBytes?: (n: number) => void;
}

/** The media facts the domain decides on, read from a publish session. */
function factsOf(publish: PublishSession, clock: { first: number | undefined; last: number }): MediaFacts {
  return {
    metadata: publish.metadata,
    video: publish.codecs.video,
    audio: publish.codecs.audio,
    mediaElapsedMs: clock.first === undefined ? 0 : clock.last - clock.first,
  };
}

/**
 * The RTMP server of packages/media wired to the ingest: every publish is admitted by the domain
 * (key check, lock) before its media is accepted, then its tags feed the late-joiner source and
 * its facts decide stream.started; its end, however it happens, reaches the domain once.
 */
export class RtmpIngest {
  readonly server: RtmpServer<Grant>;
  private readonly options: RtmpIngestOptions;
  private readonly sources = new Map<string, GopSource>();

  constructor(options: RtmpIngestOptions) {
    this.options = options;
    const { sessions } = options;
    this.server = createRtmpServer<Grant>({
      authorize: async (request, { signal }) => {
        const admission = await sessions.admit({ app: request.app, streamKey: request.streamKey }, signal);
        if (admission.allow) return { allow: true, context: admission.grant };
        options.logger.info(
          { reason: admission.reason, code: admission.code, remoteAddress: request.remoteAddress },
          'publish refused',
        );
        return { allow: false, code: admission.code, description: admission.description };
      },
      onPublish: (publish) => this.attach(publish),
      logger: options.logger.child({ component: 'rtmp' }),
      limits: { ...options.limits, mediaTimeoutMs: options.stallTimeoutMs },
    });
    this.server.on('error', (error) => options.logger.error({ err: error }, 'rtmp listener failed'));
  }

  listen(port: number, host: string): Promise<AddressInfo> {
    return this.server.listen(port, host);
  }

  source(sessionId: string): GopSource | undefined {
    return this.sources.get(sessionId);
  }

  /** Stops accepting and ends every publish ('shutdown'); resolves when the sockets are closed. */
  close(): Promise<void> {
    return this.server.close();
  }

  private attach(publish: PublishSession<Grant>): void {
    const { sessions, logger } = this.options;
    const { sessionId } = publish.context;
    const clock = { first: undefined as number | undefined, last: 0 };
    this.sources.set(sessionId, new GopSource(publish, this.options.maxGopBytes));
    const observe = () => sessions.observe(sessionId, factsOf(publish, clock));
    // Listeners first: a publish can end inside attach() (a node shutting down kicks it at once).
    publish.on('tag', (tag) => {
      this.options.onBytes?.(tag.data.length);
      if (tag.type === 'script') return;
      clock.first ??= tag.timestamp;
      clock.last = Math.max(clock.last, tag.timestamp);
      if (sessions.get(sessionId)?.phase === 'pending') observe();
    });
    publish.on('codecs', observe);
    publish.on('metadata', observe);
    publish.on('end', (reason, error) => {
      this.sources.delete(sessionId);
      logger.info({ sessionId, reason, err: error, stats: publish.stats }, 'publish ended');
      sessions.ended(sessionId, reason);
    });
    const session = sessions.attach(publish.context, { kick: (why) => publish.kick(why) });
    logger.info({ sessionId, channelId: session.channelId, remoteAddress: publish.remoteAddress }, 'publish accepted');
    observe();
  }
}
