import type { Redis } from './redis.ts';

export type ScriptCall = (keys: string[], args: (string | number)[]) => Promise<unknown>;

/** A Lua script run atomically by Redis (EVALSHA, falling back to EVAL after a script flush). */
export function defineScript(redis: Redis, lua: string): ScriptCall {
  let sha: string | undefined;
  return async (keys, args) => {
    sha ??= (await redis.script('LOAD', lua)) as string;
    try {
      return await redis.evalsha(sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!String((error as Error).message).includes('NOSCRIPT')) throw error;
      sha = undefined;
      return redis.eval(lua, keys.length, ...keys, ...args);
    }
  };
}

// Compare-and-delete: a successor's lock or lease is never removed by a late predecessor.
const RELEASE_IF_HELD = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/**
 * Frees a lock or lease only while `holder` still holds it: resolves true when it was deleted,
 * false when it had expired or another holder has it since.
 */
export function releaseIfHeld(redis: Redis): (key: string, holder: string) => Promise<boolean> {
  const script = defineScript(redis, RELEASE_IF_HELD);
  return async (key, holder) => (await script([key], [holder])) === 1;
}
