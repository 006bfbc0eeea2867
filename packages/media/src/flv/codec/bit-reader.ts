// MSB-first bit reader with Exp-Golomb codes (H.264 §9.1), for parameter-set parsing.

export class BitReader {
  readonly #data: Uint8Array;
  #bit = 0;

  constructor(data: Uint8Array) {
    this.#data = data;
  }

  get bitsLeft(): number {
    return this.#data.length * 8 - this.#bit;
  }

  readBit(): number {
    if (this.#bit >= this.#data.length * 8) throw new RangeError('bitstream exhausted');
    const v = (this.#data[this.#bit >> 3]! >> (7 - (this.#bit & 7))) & 1;
    this.#bit++;
    return v;
  }

  /** Up to 32 bits, unsigned. */
  readBits(n: number): number {
    let v = 0;
    for (let i = 0; i < n; i++) v = v * 2 + this.readBit();
    return v;
  }

  skipBits(n: number): void {
    if (this.#bit + n > this.#data.length * 8) throw new RangeError('bitstream exhausted');
    this.#bit += n;
  }

  /** ue(v) */
  readUE(): number {
    let zeros = 0;
    while (this.readBit() === 0) {
      if (++zeros > 31) throw new RangeError('exp-golomb code too long');
    }
    return 2 ** zeros - 1 + this.readBits(zeros);
  }

  /** se(v) */
  readSE(): number {
    const k = this.readUE();
    return k % 2 === 1 ? (k + 1) / 2 : -(k / 2);
  }
}

/** NAL unit payload -> RBSP: drops emulation_prevention_three_byte (H.264 §7.4.1, H.265 §7.4.2). */
export function unescapeRbsp(nal: Uint8Array): Uint8Array {
  const out = new Uint8Array(nal.length);
  let n = 0;
  let zeros = 0;
  for (const byte of nal) {
    if (zeros >= 2 && byte === 0x03) {
      zeros = 0;
      continue;
    }
    out[n++] = byte;
    zeros = byte === 0 ? zeros + 1 : 0;
  }
  return out.subarray(0, n);
}
