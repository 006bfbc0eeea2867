import { describe, expect, it } from 'vitest';
import { parseJavaMajor } from './java.ts';
import { ensureSystemPackage, findExecutable, missingPackageError } from './system-package.ts';

describe('findExecutable', () => {
  it('finds programs on PATH and by path, and nothing else', () => {
    expect(findExecutable('sh')).toMatch(/\/sh$/);
    expect(findExecutable('/bin/sh')).toBe('/bin/sh');
    expect(findExecutable('phzzk-no-such-program')).toBeUndefined();
    expect(findExecutable('/etc/passwd')).toBeUndefined(); // not executable
  });

  it('looks in extra directories', () => {
    expect(findExecutable('sh', ['/bin'])).toBeDefined();
  });
});

describe('ensureSystemPackage', () => {
  it('returns the path of an installed binary without touching apt', async () => {
    const lines: string[] = [];
    expect(await ensureSystemPackage({ binary: 'sh', aptPackage: 'dash', log: (l) => lines.push(l) })).toMatch(/\/sh$/);
    expect(lines).toEqual([]);
  });

  it('names the package to install when it cannot install it', () => {
    expect(missingPackageError('chromium', 'chromium').message).toMatch(/apt-get install -y chromium/);
  });
});

describe('parseJavaMajor', () => {
  it('reads modern and legacy version strings', () => {
    expect(parseJavaMajor('openjdk version "17.0.15" 2025-04-15\nOpenJDK Runtime Environment')).toBe(17);
    expect(parseJavaMajor('openjdk version "21" 2023-09-19')).toBe(21);
    expect(parseJavaMajor('java version "1.8.0_292"')).toBe(8);
    expect(parseJavaMajor('command not found')).toBeUndefined();
  });
});
