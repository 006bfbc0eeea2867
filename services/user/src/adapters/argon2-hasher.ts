import { type Algorithm, hash, parseOptions, verify } from '@node-rs/argon2';
import type { PasswordHasher } from '../domain/ports.ts';

export interface Argon2Params {
  /** KiB of memory per hash; OWASP's argon2id minimum is 19456 (19 MiB) with t=2, p=1. */
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

// `Algorithm` is a const enum in the typings (not usable under type stripping): 2 is Argon2id.
const ARGON2ID = 2 as Algorithm;

/** argon2id via @node-rs/argon2 (runs on the libuv pool, off the event loop). */
export class Argon2Hasher implements PasswordHasher {
  readonly params: Argon2Params;
  private readonly secret: Uint8Array | undefined;

  constructor(params: Argon2Params, pepper?: string) {
    this.params = params;
    // A pepper (a `{cipher}` secret from configuration) keeps stolen hashes useless without it.
    this.secret = pepper ? new TextEncoder().encode(pepper) : undefined;
  }

  hash(password: string): Promise<string> {
    return hash(password, {
      algorithm: ARGON2ID,
      memoryCost: this.params.memoryCost,
      timeCost: this.params.timeCost,
      parallelism: this.params.parallelism,
      ...(this.secret ? { secret: this.secret } : {}),
    });
  }

  async verify(stored: string, password: string): Promise<boolean> {
    try {
      return await verify(stored, password, this.secret ? { secret: this.secret } : undefined);
    } catch {
      return false; // a malformed stored hash never authenticates anyone
    }
  }

  needsRehash(stored: string): boolean {
    try {
      const p = parseOptions(stored);
      return (
        p.algorithm !== ARGON2ID ||
        p.memoryCost < this.params.memoryCost ||
        p.timeCost < this.params.timeCost ||
        p.parallelism !== this.params.parallelism
      );
    } catch {
      return true;
    }
  }
}
