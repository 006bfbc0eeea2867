import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '@phzzk/testing';
import { describe, expect, it } from 'vitest';

// The typed client's schema is generated from openapi.json; both must match what the generator
// makes of the checked-in openapi.json (the browser test checks that document against the live one).
describe('the API snapshot', () => {
  it('is what `npm run -w apps/web gen:api` writes', () => {
    const result = spawnSync(process.execPath, [join(repoRoot, 'apps/web/scripts/gen-api.ts'), '--check'], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.stderr + result.stdout).not.toContain('out of date');
    expect(result.status).toBe(0);
  });
});
