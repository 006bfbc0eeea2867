// FIFO of received buffers for the push parsers (RTMP chunks, FLV tags, fMP4 boxes): a socket or
// pipe hands out arbitrary slices, so a header may straddle buffers. Reads copy only when they do.

export class ByteQueue {
  #chunks: Buffer[] = [];
  /** Bytes of #chunks[0] already consumed. */
  #head = 0;
  #length = 0;

  get length(): number {
    return this.#length;
  }

  push(chunk: Uint8Array): void {
    if (chunk.byteLength === 0) return;
    this.#chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    this.#length += chunk.byteLength;
  }

  /** The byte at `index` from the front (index < length). */
  at(index: number): number {
    let i = index + this.#head;
    for (const chunk of this.#chunks) {
      if (i < chunk.length) return chunk[i]!;
      i -= chunk.length;
    }
    throw new RangeError(`ByteQueue.at(${index}) beyond ${this.#length} bytes`);
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

  /** Big-endian unsigned integer of `size` (1-4) bytes at `index`, without consuming. */
  uintBE(index: number, size: number): number {
    let v = 0;
    for (let i = 0; i < size; i++) v = v * 256 + this.at(index + i);
    return v;
  }

  /** Removes and returns `n` bytes; a view into the received buffer when they lie in one. */
  read(n: number): Buffer {
    if (n > this.#length) throw new RangeError(`ByteQueue.read(${n}) with ${this.#length} bytes queued`);
    const first = this.#chunks[0];
    if (first && first.length - this.#head >= n) {
      const out = first.subarray(this.#head, this.#head + n);
      this.skip(n);
      return out;
    }
    const out = Buffer.allocUnsafe(n);
    this.readInto(out, 0, n);
    return out;
  }

  /** Copies `n` bytes into `target` at `offset` and consumes them. */
  readInto(target: Uint8Array, offset: number, n: number): void {
    if (n > this.#length) throw new RangeError(`ByteQueue.readInto(${n}) with ${this.#length} bytes queued`);
    let filled = 0;
    while (filled < n) {
      const chunk = this.#chunks[0]!;
      const take = Math.min(n - filled, chunk.length - this.#head);
      target.set(chunk.subarray(this.#head, this.#head + take), offset + filled);
      filled += take;
      this.skip(take);
    }
  }

  skip(n: number): void {
    if (n > this.#length) throw new RangeError(`ByteQueue.skip(${n}) with ${this.#length} bytes queued`);
    this.#length -= n;
    while (n > 0) {
      const chunk = this.#chunks[0]!;
      const available = chunk.length - this.#head;
      if (n < available) {
        this.#head += n;
        return;
      }
      n -= available;
      this.#chunks.shift();
      this.#head = 0;
    }
  }

  /** Removes and returns everything queued. */
  drain(): Buffer {
    return this.read(this.#length);
  }
}
