import { describe, expect, it } from 'vitest';
import { benchNeeds, benchOrder } from './bench-needs.ts';

describe('bench-needs', () => {
  it('gives a benchmark that declares nothing the whole infrastructure', () => {
    expect(benchNeeds('// a benchmark\nimport x from "y";\n', 'a.bench.ts')).toMatchObject({
      postgres: true,
      redis: true,
      kafka: true,
      ffmpeg: true,
      chromium: true,
      nginx: true,
    });
  });

  it('gives a benchmark only what its bench-needs line names, or nothing for an empty list', () => {
    const needs = benchNeeds('// Gateway overhead\n// bench-needs: nginx\nimport x from "y";\n', 'g.bench.ts');
    expect(needs).toEqual({
      postgres: false,
      redis: false,
      kafka: false,
      ffmpeg: false,
      chromium: false,
      nginx: true,
      gstreamer: false,
    });
    expect(Object.values(benchNeeds('// bench-needs:\n', 'f.bench.ts')).some(Boolean)).toBe(false);
  });

  it('refuses a name it does not know, naming the file', () => {
    expect(() => benchNeeds('// bench-needs: kafka mongodb\n', 'x.bench.ts')).toThrow(/x\.bench\.ts.*mongodb/);
  });

  it('runs the benchmarks without Kafka first, each group by name', () => {
    const all = benchNeeds('', 'x');
    const none = benchNeeds('// bench-needs:\n', 'y');
    const order = benchOrder([
      { file: 'a.bench.ts', needs: all },
      { file: 'g.bench.ts', needs: none },
      { file: 'c.bench.ts', needs: all },
      { file: 'f.bench.ts', needs: none },
    ]).map((b) => b.file);
    expect(order).toEqual(['f.bench.ts', 'g.bench.ts', 'a.bench.ts', 'c.bench.ts']);
  });
});
