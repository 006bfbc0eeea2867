// RTMP timestamps are 32-bit milliseconds and wrap after ~49.7 days (§5.3.1.2). Consumers get a
// continuous clock: each step is read as the shortest signed distance from the previous value.

const WRAP = 2 ** 32;
const HALF = 2 ** 31;

export class TimestampUnwrapper {
  #last: number | undefined;
  #extended = 0;

  unwrap(timestamp32: number): number {
    const ts = timestamp32 >>> 0;
    if (this.#last === undefined) {
      this.#last = ts;
      this.#extended = ts;
      return ts;
    }
    let delta = (ts - this.#last + WRAP) % WRAP;
    if (delta >= HALF) delta -= WRAP; // a small step back (audio/video interleaving), not a wrap
    this.#last = ts;
    this.#extended += delta;
    return this.#extended;
  }
}
