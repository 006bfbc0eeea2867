import { ensureSystemPackage, findExecutable } from './system-package.ts';
import type { InfraComponentStatus, Log } from './types.ts';

/** Programs PHZZK only needs on disk (it starts them itself, per stream or per test). */
export const BINARIES = {
  ffmpeg: { binary: 'ffmpeg', aptPackage: 'ffmpeg' },
  chromium: { binary: 'chromium', aptPackage: 'chromium' },
  nginx: { binary: 'nginx', aptPackage: 'nginx' },
} as const;

export type BinaryName = keyof typeof BINARIES;

/** 'reused' when it was already installed, 'started' when PHZZK just installed it. */
export async function ensureBinary(name: BinaryName, log: Log): Promise<InfraComponentStatus> {
  const spec = BINARIES[name];
  const present = findExecutable(spec.binary);
  if (present) return { name, endpoint: present, state: 'reused' };
  const path = await ensureSystemPackage({ ...spec, log });
  return { name, endpoint: path, state: 'started' };
}

export function binaryStatus(name: BinaryName): InfraComponentStatus {
  const path = findExecutable(BINARIES[name].binary);
  return path ? { name, endpoint: path, state: 'reused' } : { name, endpoint: BINARIES[name].binary, state: 'down' };
}
