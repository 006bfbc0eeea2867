// Numbering that must keep growing across ffmpeg restarts, instance takeovers and new sessions of
// a channel: players that held the old playlist must never see a media sequence number, a
// discontinuity sequence or an init segment URI reused for different content.

/** What is persisted per rendition, after every new segment and init segment. */
export interface RenditionContinuity {
  /** The media sequence number after the newest segment any player may have seen (even partly). */
  nextMsn: number;
  /** The discontinuity sequence of that segment (an upper bound is enough). */
  discontinuitySequence: number;
  /** The init segment id after the newest one published. */
  nextInitId: number;
}

/** Where a new packager starts. Offsets are added to what a fresh packager numbers from zero. */
export interface ResumePoint {
  firstMediaSequence: number;
  discontinuityBase: number;
  initBase: number;
  /** Something was published before on this channel (takeover or an earlier session). */
  resumed: boolean;
}

export const FRESH_START: ResumePoint = { firstMediaSequence: 0, discontinuityBase: 0, initBase: 0, resumed: false };

/**
 * The successor starts after the highest number any rendition used: renditions are keyframe
 * aligned, so they agree but for the segment in progress; the next timeline is a discontinuity.
 */
export function resumePoint(states: readonly RenditionContinuity[]): ResumePoint {
  if (states.length === 0) return FRESH_START;
  return {
    firstMediaSequence: Math.max(...states.map((s) => s.nextMsn)),
    discontinuityBase: Math.max(...states.map((s) => s.discontinuitySequence)) + 1,
    initBase: Math.max(...states.map((s) => s.nextInitId)),
    resumed: true,
  };
}

/**
 * Follows one packaging run (one LlHlsStream) and says what to persist. Local numbers are the
 * packager's own (from zero for init ids and discontinuities); exposed ones add the resume offsets.
 */
export class ContinuityTracker {
  readonly resume: ResumePoint;
  private restarts = 0;
  private readonly state = new Map<string, RenditionContinuity>();

  constructor(resume: ResumePoint) {
    this.resume = resume;
  }

  /** The encoder restarted: the packager will open a new discontinuity (at most one per restart). */
  restarted(): void {
    this.restarts++;
  }

  get discontinuitySequence(): number {
    return this.resume.discontinuityBase + this.restarts;
  }

  exposedInitId(localInitId: number): number {
    return this.resume.initBase + localInitId;
  }

  /** A segment got its first part: its number is taken, whether or not it completes. */
  segmentStarted(rendition: string, msn: number): RenditionContinuity {
    return this.update(rendition, { nextMsn: msn + 1 });
  }

  initPublished(rendition: string, localInitId: number): RenditionContinuity {
    return this.update(rendition, { nextInitId: this.exposedInitId(localInitId) + 1 });
  }

  private update(rendition: string, change: Partial<RenditionContinuity>): RenditionContinuity {
    const previous = this.state.get(rendition) ?? {
      nextMsn: this.resume.firstMediaSequence,
      discontinuitySequence: this.discontinuitySequence,
      nextInitId: this.resume.initBase,
    };
    const next = { ...previous, ...change, discontinuitySequence: this.discontinuitySequence };
    this.state.set(rendition, next);
    return next;
  }
}
