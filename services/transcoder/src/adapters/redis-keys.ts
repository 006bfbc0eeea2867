/**
 * The transcoder's Redis keys. The prefix is `phzzk:transcoder:` in production (the gateway reads
 * `phzzk:transcoder:holder:<channelId>`); tests use their own prefix.
 */
export function transcoderKeys(prefix: string) {
  return {
    /** Hash: channelId -> session JSON, for every live session. */
    sessions: `${prefix}sessions`,
    /** String: the instance id holding a channel's session (lease, PX). */
    holder: (channelId: string) => `${prefix}holder:${channelId}`,
    /** Hash: rendition -> numbering to continue from (see domain/continuity.ts). */
    continuity: (channelId: string) => `${prefix}continuity:${channelId}`,
    /** String: this session has ended; a late stream.started must not bring it back. */
    ended: (sessionId: string) => `${prefix}ended:${sessionId}`,
  };
}
export type TranscoderKeys = ReturnType<typeof transcoderKeys>;
