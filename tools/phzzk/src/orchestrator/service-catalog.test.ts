import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { listServices, serviceEntry } from './service-catalog.ts';

describe('service catalog', () => {
  const roots: string[] = [];
  afterEach(() => {
    for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
  });

  function root(services: Record<string, object>): string {
    const dir = mkdtempSync(join(tmpdir(), 'phzzk-catalog-'));
    roots.push(dir);
    for (const [name, pkg] of Object.entries(services)) {
      mkdirSync(join(dir, 'services', name, 'src'), { recursive: true });
      writeFileSync(join(dir, 'services', name, 'src', 'main.ts'), '');
      writeFileSync(join(dir, 'services', name, 'package.json'), JSON.stringify(pkg));
    }
    return dir;
  }

  it('orders services and carries the Node flags each declares', () => {
    const dir = root({
      gateway: { phzzk: { order: 90, nodeOptions: ['--max-semi-space-size=64'] } },
      discovery: { phzzk: { order: 10 } },
      user: {},
    });
    expect(listServices(dir).map((s) => [s.name, s.order, s.nodeArgs])).toEqual([
      ['discovery', 10, []],
      ['user', 50, []],
      ['gateway', 90, ['--max-semi-space-size=64']],
    ]);
  });

  it('lists apps (the web front end) beside services, with their start timeout', () => {
    const dir = root({ gateway: { phzzk: { order: 90 } } });
    mkdirSync(join(dir, 'apps', 'web', 'src'), { recursive: true });
    writeFileSync(join(dir, 'apps', 'web', 'src', 'main.ts'), '');
    writeFileSync(
      join(dir, 'apps', 'web', 'package.json'),
      JSON.stringify({ phzzk: { order: 80, startTimeoutMs: 600_000 } }),
    );
    mkdirSync(join(dir, 'apps', 'docs'), { recursive: true }); // no src/main.ts: not a process
    const listed = listServices(dir);
    expect(listed.map((s) => [s.name, s.order])).toEqual([
      ['web', 80],
      ['gateway', 90],
    ]);
    expect(listed[0]).toMatchObject({ dir: join(dir, 'apps', 'web'), startTimeoutMs: 600_000 });
    expect(listed[1]?.startTimeoutMs).toBeUndefined();
  });

  it('refuses node options that are not plain --flag[=value] words', () => {
    for (const nodeOptions of [['--inspect', 'evil.js'], ['--eval=process.exit()'], '--flag', [1]]) {
      const dir = root({ gateway: { phzzk: { nodeOptions } } });
      expect(() => serviceEntry(dir, 'gateway')).toThrow(/phzzk.nodeOptions/);
    }
  });

  it('gives the real gateway its young-generation size, scavenges on its own thread and no memory reducer', () => {
    const repo = join(import.meta.dirname, '..', '..', '..', '..');
    const { nodeArgs } = serviceEntry(repo, 'gateway');
    expect(nodeArgs).toContain('--min-semi-space-size=16');
    expect(nodeArgs).toContain('--no-parallel-scavenge');
    expect(nodeArgs).toContain('--no-memory-reducer');
  });
});
