import { type ConfigFile, ConfigFileError, isConfigFile, parseConfigFile } from './config-files.ts';
import { decryptSources, type Decrypt } from './decrypt-sources.ts';
import { buildEnvironment, type Snapshot } from './environment.ts';
import type { GitPort, Log } from './ports.ts';
import type { Environment } from './types.ts';

export class LabelNotFound extends Error {
  constructor(label: string) {
    super(`no branch, tag or commit "${label}" in the configuration repository`);
    this.name = 'LabelNotFound';
  }
}
export class RepositoryNotReady extends Error {
  constructor(detail: string) {
    super(`the configuration repository is not available yet: ${detail}`);
    this.name = 'RepositoryNotReady';
  }
}
export class ConfigInvalid extends Error {
  constructor(commit: string, detail: string) {
    super(`commit ${commit.slice(0, 12)} has invalid configuration: ${detail}`);
    this.name = 'ConfigInvalid';
  }
}

const MAX_FILE_BYTES = 1024 * 1024;
const MAX_FILES = 2000;
const CACHED_SNAPSHOTS = 32;

export interface RepositoryOptions {
  git: GitPort;
  /** Shown in property source names (`<uri>/<file>`), as Spring does. */
  uri: string;
  defaultLabel: string;
  decrypt: Decrypt | null;
  log: Log;
}

export interface Advance {
  previous: string | null;
  current: string;
  changedFiles: string[];
}

/**
 * The configuration served, by label. The default label is served from the last commit whose
 * files all parse ("last good"): a broken commit is reported and skipped, never served for it.
 * Other labels are served as they are, or refused when they do not parse.
 */
export class ConfigRepository {
  private readonly options: RepositoryOptions;
  private readonly snapshots = new Map<string, Snapshot>();
  private good: Snapshot | null = null;
  private rejectedValue: { commit: string; message: string } | null = null;
  private defaultRef: string;

  constructor(options: RepositoryOptions) {
    this.options = options;
    this.defaultRef = options.defaultLabel;
  }

  /** The last good commit of the default label, or null before the first successful load. */
  get current(): Snapshot | null {
    return this.good;
  }

  /** The newest default-label commit that was refused, while it is the newest. */
  get rejected(): { commit: string; message: string } | null {
    return this.rejectedValue;
  }

  get defaultLabel(): string {
    return this.defaultRef;
  }

  /**
   * Looks at the default label's commit in the (freshly fetched) mirror. Moves to it when every
   * file parses and returns what changed; returns null when nothing changed or it was refused.
   */
  async advance(): Promise<Advance | null> {
    const head = await this.resolveDefault();
    if (!head) {
      throw new RepositoryNotReady(`the default label "${this.options.defaultLabel}" does not exist`);
    }
    if (head === this.good?.commit) {
      this.rejectedValue = null;
      return null;
    }
    if (head === this.rejectedValue?.commit) return null;
    let next: Snapshot;
    try {
      next = await this.load(head);
    } catch (error) {
      if (!(error instanceof ConfigInvalid)) throw error;
      this.rejectedValue = { commit: head, message: error.message };
      this.options.log.error(
        { commit: head, keeping: this.good?.commit ?? null },
        `${error.message}; keeping the last good configuration`,
      );
      return null;
    }
    const previous = this.good;
    this.good = next;
    this.rejectedValue = null;
    let changedFiles: string[];
    try {
      changedFiles = previous ? await this.options.git.changedFiles(previous.commit, head) : [...next.files.keys()];
    } catch {
      // History rewritten (force push): say everything changed.
      changedFiles = [...new Set([...(previous?.files.keys() ?? []), ...next.files.keys()])];
    }
    this.options.log.info(
      { commit: head, previous: previous?.commit ?? null, changedFiles },
      'configuration version in force',
    );
    return { previous: previous?.commit ?? null, current: head, changedFiles };
  }

  /** The Environment document of `/{application}/{profiles}[/{label}]`. */
  async environment(application: string, profiles: string[], label: string | null): Promise<Environment> {
    const snapshot = await this.snapshotFor(label);
    const env = buildEnvironment(snapshot, { application, profiles, label }, this.options.uri);
    env.propertySources = decryptSources(env.propertySources, this.options.decrypt, (key, source, reason) =>
      this.options.log.warn(
        { key, source, application, profiles, version: snapshot.commit },
        `Cannot decrypt key: ${key} (${reason})`,
      ),
    );
    return env;
  }

  private async snapshotFor(label: string | null): Promise<Snapshot> {
    if (label === null || label === this.options.defaultLabel || label === this.defaultRef) {
      if (!this.good) {
        throw new RepositoryNotReady(this.rejectedValue?.message ?? 'not loaded yet');
      }
      return this.good;
    }
    const commit = await this.options.git.resolve(label);
    if (!commit) throw new LabelNotFound(label);
    return this.load(commit);
  }

  private async resolveDefault(): Promise<string | null> {
    const git = this.options.git;
    const head = await git.resolve(this.options.defaultLabel);
    if (head) {
      this.defaultRef = this.options.defaultLabel;
      return head;
    }
    // Spring's tryMasterBranch: a repository that still calls its default branch master.
    if (this.options.defaultLabel === 'main') {
      const master = await git.resolve('master');
      if (master) this.defaultRef = 'master';
      return master;
    }
    return null;
  }

  /** Reads and parses every configuration file of a commit; throws ConfigInvalid if one fails. */
  private async load(commit: string): Promise<Snapshot> {
    const cached = this.snapshots.get(commit);
    if (cached) {
      this.snapshots.delete(commit);
      this.snapshots.set(commit, cached);
      return cached;
    }
    const entries = (await this.options.git.listFiles(commit)).filter((f) => isConfigFile(f.path));
    if (entries.length > MAX_FILES) throw new ConfigInvalid(commit, `more than ${MAX_FILES} configuration files`);
    const tooBig = entries.find((f) => f.size > MAX_FILE_BYTES);
    if (tooBig) throw new ConfigInvalid(commit, `${tooBig.path} is larger than ${MAX_FILE_BYTES} bytes`);
    const blobs = await this.options.git.readBlobs(entries.map((f) => f.blob));
    const files = new Map<string, ConfigFile>();
    const problems: string[] = [];
    for (const entry of entries) {
      const bytes = blobs.get(entry.blob);
      if (!bytes) {
        problems.push(`${entry.path}: could not be read`);
        continue;
      }
      try {
        files.set(entry.path, parseConfigFile(entry.path, bytes.toString('utf8')));
      } catch (error) {
        if (!(error instanceof ConfigFileError)) throw error;
        problems.push(error.message);
      }
    }
    if (problems.length > 0) throw new ConfigInvalid(commit, problems.join('; '));
    const snapshot: Snapshot = { commit, files };
    this.snapshots.set(commit, snapshot);
    if (this.snapshots.size > CACHED_SNAPSHOTS) {
      for (const key of this.snapshots.keys()) {
        if (key === this.good?.commit) continue;
        this.snapshots.delete(key);
        break;
      }
    }
    return snapshot;
  }
}
