import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { cruise, type ICruiseOptions, type IViolation } from 'dependency-cruiser';
import type { KnownViolation } from './known-violations.ts';
import { layoutRules } from './layout-rules.ts';

export interface LayoutViolation {
  rule: string;
  from: string;
  to: string;
  /** For a cycle: the modules around it. */
  cycle?: string[];
}

export interface LayoutReport {
  violations: LayoutViolation[];
  /** Tolerated violations that no longer occur: their line in known-violations.ts can go. */
  stale: KnownViolation[];
}

/** The folders whose sources the layout rules cover. */
export const layoutRoots = ['services', 'packages', 'tools', 'bench', 'test', 'apps'];

/**
 * Runs the layout rules over `roots` (relative to `baseDir`) and answers every violation that is
 * not in `known`. Sources are followed as Node resolves them (workspace packages through their
 * symlinks to the real path), type-only imports included.
 */
export async function checkLayout(
  baseDir: string,
  roots: string[],
  known: KnownViolation[] = [],
): Promise<LayoutReport> {
  const options: ICruiseOptions = {
    baseDir,
    ruleSet: { forbidden: layoutRules },
    validate: true,
    doNotFollow: { path: ['node_modules'] },
    exclude: { path: ['(^|/)\\.phzzk/', '(^|/)dist/', '(^|/)\\.next/', '(^|/)test/fixtures/'] },
    tsPreCompilationDeps: true,
    moduleSystems: ['es6', 'cjs'],
  };
  const resolve = { extensions: ['.ts', '.mts', '.js', '.mjs', '.cjs', '.json', '.d.ts'] };
  const present = roots.filter((r) => existsSync(join(baseDir, r)));
  const result = await cruise(present, options, resolve, {
    tsConfig: { compilerOptions: { allowImportingTsExtensions: true, module: 'nodenext' } },
  });
  if (typeof result.output === 'string') throw new Error('dependency-cruiser answered text, not a result');
  const all = result.output.summary.violations.filter((v) => v.rule.severity !== 'ignore').map(toViolation);
  const isKnown = (v: LayoutViolation, k: KnownViolation) => v.rule === k.rule && v.from === k.from && v.to === k.to;
  return {
    violations: all.filter((v) => !known.some((k) => isKnown(v, k))),
    stale: known.filter((k) => !all.some((v) => isKnown(v, k))),
  };
}

function toViolation(v: IViolation): LayoutViolation {
  const out: LayoutViolation = { rule: v.rule.name, from: v.from, to: v.to };
  if (v.cycle && v.cycle.length > 0) out.cycle = v.cycle.map((step) => step.name);
  return out;
}

export function formatViolations(violations: LayoutViolation[]): string {
  return violations
    .map((v) => `  ${v.rule}: ${v.from} -> ${v.to}${v.cycle ? ` (cycle: ${v.cycle.join(' -> ')})` : ''}`)
    .join('\n');
}
