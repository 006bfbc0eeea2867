import { describe, expect, it } from 'vitest';
import { redactStreamKey, redactTcUrl } from './redact.ts';

describe('log redaction', () => {
  it('shows a stream key only by a short prefix', () => {
    expect(redactStreamKey('sk_live_0123456789abcdef')).toBe('sk_l…');
    expect(redactStreamKey('short')).toBe('…');
  });
  it('drops a tcUrl query and user-info', () => {
    expect(redactTcUrl('rtmp://u:p@host/live?key=secret')).toBe('rtmp://host/live');
  });
});
