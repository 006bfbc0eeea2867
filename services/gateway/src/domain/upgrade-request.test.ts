import { describe, expect, it } from 'vitest';
import { bearerSubprotocol, isWebSocketRoute, withoutQueryToken } from './upgrade-request.ts';

describe('upgrade requests', () => {
  it('takes the bearer subprotocol out of the offered list', () => {
    expect(bearerSubprotocol('phzzk.chat.v1, phzzk.bearer.abc.def-g')).toEqual({
      token: 'abc.def-g',
      rest: 'phzzk.chat.v1',
    });
    expect(bearerSubprotocol('phzzk.bearer.x')).toEqual({ token: 'x', rest: undefined });
    expect(bearerSubprotocol('phzzk.chat.v1')).toEqual({ token: undefined, rest: 'phzzk.chat.v1' });
    expect(bearerSubprotocol(undefined)).toEqual({ token: undefined, rest: undefined });
  });
  it('drops access_token from upstream URLs', () => {
    expect(withoutQueryToken('/ws/chat/c?access_token=t&since=4')).toBe('/ws/chat/c?since=4');
    expect(withoutQueryToken('/ws/chat/c?access_token=t')).toBe('/ws/chat/c');
    expect(withoutQueryToken('/ws/chat/c?since=4')).toBe('/ws/chat/c?since=4');
  });
  it('accepts /ws/** routes only', () => {
    expect(isWebSocketRoute('/ws/chat/**')).toBe(true);
    expect(isWebSocketRoute('/api/**')).toBe(false);
    expect(isWebSocketRoute('/svc/chat/**')).toBe(false);
  });
});
