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
