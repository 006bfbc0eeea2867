import { checkLayout, formatViolations, layoutRoots } from '../layout/check-layout.ts';
import { knownViolations } from '../layout/known-violations.ts';
import { log } from './output.ts';

/** `phzzk layout`: the dependency rules of ARCHITECTURE.md ("Layout"); non-zero on a violation. */
export async function runLayout(root: string): Promise<number> {
  const { violations, stale } = await checkLayout(root, layoutRoots, knownViolations);
  for (const k of stale)
    log(`layout: tolerated violation no longer occurs, remove it: ${k.rule}: ${k.from} -> ${k.to}`);
  if (violations.length === 0) {
    log(`layout: no violations (${knownViolations.length - stale.length} tolerated, see layout/known-violations.ts)`);
    return 0;
  }
  console.error(
    `layout: ${violations.length} violation(s) of ARCHITECTURE.md "Layout":\n${formatViolations(violations)}`,
  );
  return 1;
}
