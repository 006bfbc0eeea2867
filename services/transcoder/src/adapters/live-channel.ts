import type { Logger } from '@phzzk/kit';
import { blockingTimeoutMs, hlsNames, LiveStream } from '@phzzk/media/hls';
import { ContinuityTracker, type RenditionContinuity, type ResumePoint } from '../domain/continuity.ts';
import type { LocalPhase } from '../domain/claims.ts';
import {
  buildLadderArgs,
  type EncoderSettings,
  frameSecondsOf,
  hasThumbnailOutput,
  type RenditionPlan,
  type ThumbnailOutput,
} from '@phzzk/media/ffmpeg';
import { RecentSamples } from '../domain/latency.ts';
import { toExposedPlaylist, toLocalPath } from '../domain/playlist-offsets.ts';
import type { LiveSession } from '../domain/session.ts';
import { ThumbnailPacer } from '../domain/thumbnail-pacer.ts';
import type { TranscoderMetrics } from './metrics.ts';
import { SegmentStorage } from './segment-storage.ts';
import { StreamRunner } from './stream-runner.ts';

export interface LiveChannelSettings {
  ffmpegPath: string;
  encoder: Omit<EncoderSettings, 'frameSeconds'>;
  targetDuration: number;
  sourceIdleMs: number;
  giveUpAfterMs: number;
  drainTimeoutMs: number;
  storageRoot: string;
}

/** A thumbnail every 2 s of stream time; at most one kept per 2 s of wall-clock time. */
const THUMBNAILS: ThumbnailOutput = { everySeconds: 2 };
const THUMBNAIL_GAP_MS = 2000;
/** An older thumbnail is not served: the stream is stalled or ffmpeg restarting. */
export const THUMBNAIL_MAX_AGE_MS = 10_000;

export interface LiveChannelDeps {
  session: LiveSession;
  plans: RenditionPlan[];
  resume: ResumePoint;
  settings: LiveChannelSettings;
  metrics: TranscoderMetrics;
  logger: Logger;
  saveContinuity(rendition: string, state: RenditionContinuity): Promise<void>;
  /** The source is gone for good (see StreamRunnerEvents.gaveUp). */
  onGaveUp(): void;
}

/**
 * One live session on this instance: its LL-HLS stream (what the origin serves), the ffmpeg
 * runner feeding it, the VOD storage behind it, and the numbering a successor continues from.
 */
export class LiveChannel {
  readonly session: LiveSession;
  readonly stream: LiveStream;
  readonly resume: ResumePoint;
  readonly renditions: string[];
  phase: LocalPhase = 'live';
  lastRenewedAt = Date.now();
  private readonly runner: StreamRunner;
  private readonly storage: SegmentStorage;
  private readonly tracker: ContinuityTracker;
  private readonly latency = new Map<string, RecentSamples>();
  private readonly logger: Logger;
  private saving: Promise<void> = Promise.resolve();
  private latestThumbnail: { bytes: Buffer; at: number } | undefined;
  private readonly pacer = new ThumbnailPacer(THUMBNAIL_GAP_MS);
  private thumbnailTimer: NodeJS.Timeout | undefined;
  private finishing: Promise<void> | undefined;

  constructor(deps: LiveChannelDeps) {
    const { session, plans, resume, settings, metrics } = deps;
    this.session = session;
    this.resume = resume;
    this.logger = deps.logger;
    this.renditions = plans.map((p) => p.name);
    this.tracker = new ContinuityTracker(resume);
    this.stream = new LiveStream({
      renditions: plans.map((p) => ({ name: p.name, bandwidth: p.bandwidth })),
      targetDuration: settings.targetDuration,
      partTarget: settings.encoder.partTarget,
      firstMediaSequence: resume.firstMediaSequence,
      logger: deps.logger,
    });
    this.storage = new SegmentStorage({
      root: settings.storageRoot,
      sessionId: session.sessionId,
      logger: deps.logger,
    });

    const save = (rendition: string, state: RenditionContinuity) => {
      this.saving = this.saving
        .then(() => deps.saveContinuity(rendition, state))
        .catch((error) => this.logger.warn({ err: error, rendition }, 'could not save stream numbering'));
    };
    const firstSegment = new Set(this.renditions);
    this.stream.onInit((init) => {
      const uri = hlsNames.init(this.tracker.exposedInitId(init.initId));
      this.storage.writeInit(init.rendition, uri, init.bytes);
      save(init.rendition, this.tracker.initPublished(init.rendition, init.initId));
    });
    this.stream.onPart((part) => {
      metrics.parts.inc({ rendition: part.rendition });
      if (part.part === 0) save(part.rendition, this.tracker.segmentStarted(part.rendition, part.msn));
    });
    this.stream.onSegment((segment) => {
      // A resumed stream's first segment follows another timeline (a predecessor or an earlier session).
      const resumedHere = firstSegment.delete(segment.rendition) && resume.resumed;
      this.storage.writeSegment(
        segment.rendition,
        {
          msn: segment.msn,
          uri: segment.uri,
          duration: segment.duration,
          initUri: hlsNames.init(this.tracker.exposedInitId(segment.initId)),
          discontinuity: segment.discontinuity || resumedHere,
          programDateTime: segment.programDateTime,
        },
        segment.bytes,
      );
    });

    const frameSeconds = frameSecondsOf(session.video, session.audio);
    const thumbnails = hasThumbnailOutput(plans);
    this.runner = new StreamRunner({
      sourceUrl: session.sourceUrl,
      ffmpegPath: settings.ffmpegPath,
      args: (run) =>
        buildLadderArgs(plans, { ...settings.encoder, frameSeconds }, run, thumbnails ? THUMBNAILS : undefined),
      renditions: this.renditions,
      thumbnails,
      stream: this.stream,
      hasVideo: session.video !== null,
      frameSeconds,
      sourceIdleMs: settings.sourceIdleMs,
      giveUpAfterMs: settings.giveUpAfterMs,
      drainTimeoutMs: settings.drainTimeoutMs,
      logger: deps.logger,
      events: {
        restarted: (exit) => {
          this.tracker.restarted();
          metrics.ffmpegRestarts.inc();
          this.logger.warn(
            { ...exit, restarts: this.runner.restarts },
            'ffmpeg restarted; playlists continue after a discontinuity',
          );
        },
        sourceFailed: (error) => {
          metrics.sourceFailures.inc();
          this.logger.warn({ err: error, sourceUrl: session.sourceUrl }, 'live source unavailable; retrying');
        },
        partLatency: (rendition, ms) => {
          metrics.partLatency.observe({ rendition }, ms / 1000);
          const samples = this.latency.get(rendition) ?? new RecentSamples();
          this.latency.set(rendition, samples);
          samples.add(ms);
        },
        gaveUp: () => deps.onGaveUp(),
        thumbnail: (jpeg) => this.thumbnailTaken(jpeg),
      },
    });
  }

  start(): void {
    this.runner.start();
  }

  /** The latest thumbnail, unless none was taken yet or it is stale. */
  thumbnail(now = Date.now()): Buffer | undefined {
    const latest = this.latestThumbnail;
    return latest && now - latest.at <= THUMBNAIL_MAX_AGE_MS ? latest.bytes : undefined;
  }

  /** Served at once; kept for the storyboard paced to one per THUMBNAIL_GAP_MS (the newest wins). */
  private thumbnailTaken(jpeg: Buffer): void {
    const now = Date.now();
    this.latestThumbnail = { bytes: jpeg, at: now };
    if (this.thumbnailTimer || this.phase !== 'live') return;
    this.thumbnailTimer = setTimeout(() => {
      this.thumbnailTimer = undefined;
      const latest = this.latestThumbnail;
      if (!latest || this.phase === 'ended') return;
      const at = Date.now();
      this.pacer.kept(at);
      this.storage.writeThumbnail(at, latest.bytes);
    }, this.pacer.delayAt(now));
    this.thumbnailTimer.unref();
  }

  /** A request path below /hls/{channelId}/ as the packager names it (undefined: no such URI). */
  localPath(path: string): string | undefined {
    return toLocalPath(path, this.resume);
  }

  /** A media playlist as players see it (init URIs and discontinuity sequence after the resume offsets). */
  exposed(playlist: string): string {
    return toExposedPlaylist(playlist, this.resume);
  }

  /**
   * Right after a start, playlists wait (like a blocking request) for the renditions' first part: a
   * media playlist would list nothing, which players take for an error, and a master playlist would
   * announce BANDWIDTH=0 for renditions whose bit rate is only known once measured (the source).
   */
  async firstParts(renditions: readonly string[], signal: AbortSignal): Promise<'ready' | 'timeout' | 'aborted'> {
    const deadline = Date.now() + blockingTimeoutMs(this.stream.targetDuration);
    for (const name of renditions) {
      const rendition = this.stream.rendition(name);
      if (!rendition || rendition.lastPosition()) continue;
      const first = { msn: this.resume.firstMediaSequence, part: 0 };
      const result = await rendition.waitFor(first, Math.max(0, deadline - Date.now()), signal);
      if (result !== 'ready') return result;
    }
    return 'ready';
  }

  /** The session ended: last fragments, EXT-X-ENDLIST everywhere, VOD playlists on disk. */
  finish(): Promise<void> {
    this.finishing ??= (async () => {
      this.phase = 'ending';
      await this.runner.stop('drain');
      clearTimeout(this.thumbnailTimer);
      this.stream.end();
      await this.saving;
      await this.storage.finish(this.renditions, this.stream.masterPlaylist());
      this.phase = 'ended';
      this.logger.info({ sessionId: this.session.sessionId, dir: this.storage.sessionDir }, 'live stream finished');
    })();
    return this.finishing;
  }

  /** Stop without ending the playlists: another instance continues the session (handover, lost lease). */
  async abandon(): Promise<void> {
    this.phase = 'ended';
    clearTimeout(this.thumbnailTimer);
    await this.runner.stop('kill');
    await this.saving;
    await this.storage.flush();
  }

  info() {
    return {
      channelId: this.session.channelId,
      sessionId: this.session.sessionId,
      phase: this.phase,
      renditions: this.renditions,
      ffmpegPid: this.runner.ffmpegPid ?? null,
      ffmpegRuns: this.runner.runs,
      ffmpegRestarts: this.runner.restarts,
      resumed: this.resume,
      storageDir: this.storage.sessionDir,
      storageFailures: this.storage.failures,
      partLatencyMs: Object.fromEntries([...this.latency].map(([name, samples]) => [name, samples.summary()])),
    };
  }
}
