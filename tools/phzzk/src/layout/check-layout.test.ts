import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkLayout } from './check-layout.ts';

// One small fixture per rule, laid out like the repository, each breaking exactly that rule; and
// a clean one that the rules accept. Shows that every rule of "Layout" can fail.
const fixtures = fileURLToPath(new URL('../../test/fixtures/layout/', import.meta.url));

async function violationsOf(fixture: string): Promise<string[]> {
  const report = await checkLayout(`${fixtures}${fixture}`, ['services', 'packages']);
  return report.violations.map((v) => `${v.rule}: ${v.from} -> ${v.to}`);
}

describe('layout rules', { timeout: 60_000 }, () => {
  it.each([
    ['service-imports-service', 'no-service-imports-service: services/a/src/app.ts -> services/b/src/thing.ts'],
    ['media-imports-kit', 'media-is-standalone: packages/media/src/reader.ts -> packages/kit/src/index.ts'],
    [
      'domain-imports-adapter',
      'domain-imports-no-adapter: services/a/src/domain/logic.ts -> services/a/src/adapters/pg-store.ts',
    ],
    ['domain-imports-io', 'domain-imports-no-io-module: services/a/src/domain/logic.ts -> fs'],
    [
      'routes-import-adapter',
      'routes-and-workers-use-ports: services/a/src/routes/things.ts -> services/a/src/adapters/pg-store.ts',
    ],
    [
      'workers-import-adapter',
      'routes-and-workers-use-ports: services/a/src/workers/loop.ts -> services/a/src/adapters/pg-store.ts',
    ],
  ])('%s fails', async (fixture, expected) => {
    expect(await violationsOf(fixture)).toEqual([expected]);
  });

  it('a domain importing a framework fails', async () => {
    const found = await violationsOf('domain-imports-framework');
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(
      /^domain-imports-no-framework: services\/a\/src\/domain\/logic\.ts -> .*node_modules\/fastify\//,
    );
  });

  it('an import cycle fails', async () => {
    const found = await violationsOf('cycle');
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((v) => v.startsWith('no-cycles: packages/x/src/'))).toBe(true);
  });

  it('the layout as ARCHITECTURE.md describes it passes', async () => {
    expect(await violationsOf('clean')).toEqual([]);
  });

  it('a tolerated violation is not reported, and one that no longer occurs is stale', async () => {
    const known = [
      {
        rule: 'routes-and-workers-use-ports',
        from: 'services/a/src/routes/things.ts',
        to: 'services/a/src/adapters/pg-store.ts',
        why: 'fixture',
      },
      { rule: 'no-cycles', from: 'services/a/src/gone.ts', to: 'services/a/src/gone.ts', why: 'fixture' },
    ];
    const report = await checkLayout(`${fixtures}routes-import-adapter`, ['services'], known);
    expect(report.violations).toEqual([]);
    expect(report.stale.map((k) => k.from)).toEqual(['services/a/src/gone.ts']);
  });
});
