// What the domain needs from the outside, implemented in src/adapters.

/** A local mirror of the configuration git repository. */
export interface GitPort {
  /** A fingerprint of the remote's branches and tags; cheap enough to poll. */
  remoteRefs(): Promise<string>;
  /** Brings the local mirror up to date (clones it on first use). */
  fetch(): Promise<void>;
  /** The commit a branch, tag or commit id names in the mirror, or null. */
  resolve(label: string): Promise<string | null>;
  /** The top-level files of a commit (blobs only). */
  listFiles(commit: string): Promise<{ path: string; blob: string; size: number }[]>;
  /** The contents of blobs, by blob id. */
  readBlobs(blobs: string[]): Promise<Map<string, Buffer>>;
  /** Paths that differ between two commits. */
  changedFiles(from: string, to: string): Promise<string[]>;
}

export interface ConfigChange {
  application: string;
  version: string;
  changedFiles: string[];
}

/** Announces a new configuration version (Kafka `config.changed`). */
export interface ChangePublisher {
  publish(change: ConfigChange): Promise<void>;
}

/** The part of a pino logger the domain uses. */
export interface Log {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}
