import { describe, expect, it } from 'vitest';
import { dateFormat, numberFormat } from './formats.ts';

describe('cached Intl formatters', () => {
  it('builds one formatter per locale and options, and formats as a fresh one would', () => {
    expect(numberFormat('ko-KR')).toBe(numberFormat('ko-KR'));
    expect(numberFormat('ko-KR')).not.toBe(numberFormat('en-US'));
    expect(numberFormat('en-US', { maximumFractionDigits: 1 })).not.toBe(numberFormat('en-US'));
    expect(numberFormat('en-US').format(12345)).toBe('12,345');
    expect(numberFormat('en-US', { maximumFractionDigits: 1 }).format(1.25)).toBe(
      new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 }).format(1.25),
    );
    const when = new Date('2026-12-07T06:00:00Z');
    expect(dateFormat('ko-KR', { dateStyle: 'long' })).toBe(dateFormat('ko-KR', { dateStyle: 'long' }));
    expect(dateFormat('ko-KR', { dateStyle: 'long' }).format(when)).toBe(
      new Intl.DateTimeFormat('ko-KR', { dateStyle: 'long' }).format(when),
    );
  });
});
