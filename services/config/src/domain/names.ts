// What a request may name. Everything here ends up in a git command or a file lookup, so the
// rules are strict: no traversal (`..`), no option-like leading dash, bounded lengths.

const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;
const LABEL = /^[A-Za-z0-9_][A-Za-z0-9._/-]*$/;

export const LIMITS = { application: 128, profile: 64, profiles: 16, label: 200 } as const;

export class InvalidName extends Error {
  readonly field: 'application' | 'profile' | 'label';
  constructor(field: 'application' | 'profile' | 'label', message: string) {
    super(message);
    this.name = 'InvalidName';
    this.field = field;
  }
}

function checkSegment(field: 'application' | 'profile', value: string, max: number): string {
  if (value.length === 0 || value.length > max) {
    throw new InvalidName(field, `${field} must be 1 to ${max} characters`);
  }
  if (!SEGMENT.test(value) || value.includes('..')) {
    throw new InvalidName(field, `${field} "${value.slice(0, 64)}" may hold only letters, digits, ".", "_" and "-"`);
  }
  return value;
}

export function parseApplication(value: string): string {
  return checkSegment('application', value, LIMITS.application);
}

/** `dev,mysql` -> ['dev', 'mysql'] (duplicates dropped, first kept, as Spring's profile set). */
export function parseProfiles(value: string): string[] {
  const list = value.split(',').map((p) => p.trim());
  if (list.length > LIMITS.profiles) throw new InvalidName('profile', `at most ${LIMITS.profiles} profiles`);
  return [...new Set(list.map((p) => checkSegment('profile', p, LIMITS.profile)))];
}

/** A git branch, tag or commit. `(_)` stands for `/` as in Spring (`feature(_)x` is `feature/x`). */
export function parseLabel(value: string): string {
  const label = value.replaceAll('(_)', '/');
  if (label.length === 0 || label.length > LIMITS.label) {
    throw new InvalidName('label', `label must be 1 to ${LIMITS.label} characters`);
  }
  if (
    !LABEL.test(label) ||
    label.includes('..') ||
    label.includes('//') ||
    label.endsWith('/') ||
    label.endsWith('.lock') ||
    label.split('/').some((part) => part.startsWith('.'))
  ) {
    throw new InvalidName('label', `label "${label.slice(0, 64)}" is not a valid branch, tag or commit`);
  }
  return label;
}

const FILE_REQUEST = /^(.+)-([^-]+)\.(yml|yaml|properties|json)$/;

/**
 * `foo-dev.yml` -> foo / dev / yml. Like Spring's `{name}-{profiles}.yml` pattern the name is
 * everything before the last dash. Returns undefined when the segment is not such a file name.
 */
export function parseFileRequest(
  segment: string,
): { application: string; profiles: string; format: 'yml' | 'properties' | 'json' } | undefined {
  const m = FILE_REQUEST.exec(segment);
  if (!m) return undefined;
  const format = m[3] === 'yaml' ? 'yml' : (m[3] as 'yml' | 'properties' | 'json');
  return { application: m[1] as string, profiles: m[2] as string, format };
}
