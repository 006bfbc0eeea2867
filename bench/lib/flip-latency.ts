import type { Switch } from './flip-publisher.ts';
import type { DecodedFrame } from './part-watcher.ts';

export interface SwitchLatency {
  switchAt: number;
  white: boolean;
  /** First part carrying the new colour: listed in a playlist / fully downloaded, ms after the switch. */
  announcedMs: number;
  downloadedMs: number;
  /** Decoded frames since the previous matched transition minus the publisher's frames between them: 0. */
  frameError: number | undefined;
}

const isWhite = (luma: number) => luma > 128;

/**
 * Pairs each publisher switch with the first decoded frame of the new colour that follows a
 * frame of the old one, in a part downloaded after the switch. Frame distances between matched
 * transitions are kept so that a mismatch (a frame lost, a wrong pairing) shows in the result.
 */
export function switchLatencies(switches: Switch[], frames: DecodedFrame[]): SwitchLatency[] {
  const out: SwitchLatency[] = [];
  let from = 1;
  let previous: { frame: number; switch: Switch } | undefined;
  for (const s of switches) {
    let found: number | undefined;
    for (let k = from; k < frames.length; k++) {
      const frame = frames[k] as DecodedFrame;
      const before = frames[k - 1] as DecodedFrame;
      if (isWhite(frame.luma) === s.white && isWhite(before.luma) !== s.white && frame.part.downloadedAt > s.at) {
        found = k;
        break;
      }
    }
    if (found === undefined) continue;
    const part = (frames[found] as DecodedFrame).part;
    out.push({
      switchAt: s.at,
      white: s.white,
      announcedMs: Math.max(0, part.announcedAt - s.at),
      downloadedMs: part.downloadedAt - s.at,
      frameError: previous === undefined ? undefined : found - previous.frame - (s.frame - previous.switch.frame),
    });
    previous = { frame: found, switch: s };
    from = found + 1;
  }
  return out;
}
