// FIFO of received chunks. A pipe hands us arbitrary slices, so a box header may straddle chunks;
// the queue lets the parser look ahead without concatenating everything it has buffered.
export class ByteQueue {
  #chunks: Uint8Array[] = [];
  /** Bytes of #chunks[0] already consumed. */
  #head = 0;
  #length = 0;

  get length(): number {
    return this.#length;
  }

  push(chunk: Uint8Array): void {
    if (chunk.byteLength === 0) return;
    this.#chunks.push(chunk);
    this.#length += chunk.byteLength;
  }

  /** Copies up to `n` bytes from the front without consuming them. */
  peek(n: number): Uint8Array {
    const out = new Uint8Array(Math.min(n, this.#length));
    let filled = 0;
    let skip = this.#head;
    for (const chunk of this.#chunks) {
      if (filled === out.length) break;
      const part = chunk.subarray(skip, skip + (out.length - filled));
      out.set(part, filled);
      filled += part.length;
      skip = 0;
    }
    return out;
  }

  /** Removes exactly `n` bytes (n <= length); zero-copy when they lie within one chunk. */
  take(n: number): Uint8Array {
    if (n > this.#length) throw new RangeError(`take(${n}) with only ${this.#length} bytes queued`);
    const first = this.#chunks[0];
    if (first && first.length - this.#head >= n) {
      const out = first.subarray(this.#head, this.#head + n);
      this.#advance(n);
      return out;
    }
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      const chunk = this.#chunks[0]!;
      const part = chunk.subarray(this.#head, this.#head + (n - filled));
      out.set(part, filled);
      filled += part.length;
      this.#advance(part.length);
    }
    return out;
  }

  #advance(n: number): void {
    this.#length -= n;
    this.#head += n;
    while (this.#chunks.length > 0 && this.#head >= this.#chunks[0]!.length) {
      this.#head -= this.#chunks[0]!.length;
      this.#chunks.shift();
    }
  }
}
