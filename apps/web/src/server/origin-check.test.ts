import { describe, expect, it } from 'vitest';
import { sameOrigin } from './origin-check.ts';

const request = (headers: Record<string, string>) =>
  new Request('http://127.0.0.1:3000/session/login', { method: 'POST', headers });

describe('origin check', () => {
  it('accepts this site, directly or behind the gateway', () => {
    expect(sameOrigin(request({ origin: 'http://127.0.0.1:3000', host: '127.0.0.1:3000' }))).toBe(true);
    expect(
      sameOrigin(
        request({ origin: 'http://localhost:8080', host: '127.0.0.1:3000', 'x-forwarded-host': 'localhost:8080' }),
      ),
    ).toBe(true);
  });

  it('refuses another site, a missing Origin and garbage', () => {
    expect(sameOrigin(request({ origin: 'http://evil.example', host: '127.0.0.1:3000' }))).toBe(false);
    expect(sameOrigin(request({ host: '127.0.0.1:3000' }))).toBe(false);
    expect(sameOrigin(request({ origin: 'null', host: '127.0.0.1:3000' }))).toBe(false);
  });
});
