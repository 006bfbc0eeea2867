import { transcoderHolderKey } from '@phzzk/contracts';

/**
 * The transcoder's Redis keys. The prefix is `phzzk:transcoder:` in production; tests use their
 * own. The holder key is a contract with the gateway (see @phzzk/contracts redis-keys.ts).
 */
export function transcoderKeys(prefix: string) {
  return {
    /** Hash: channelId -> session JSON, for every live session. */
    sessions: `${prefix}sessions`,
    /** String: the instance id holding a channel's session (lease, PX). */
    holder: (channelId: string) => transcoderHolderKey(channelId, prefix),
    /** Hash: rendition -> numbering to continue from (see domain/continuity.ts). */
    continuity: (channelId: string) => `${prefix}continuity:${channelId}`,
    /** String: this session has ended; a late stream.started must not bring it back. */
    ended: (sessionId: string) => `${prefix}ended:${sessionId}`,
  };
}
export type TranscoderKeys = ReturnType<typeof transcoderKeys>;
