import { afterAll, beforeAll } from 'vitest';
import { type Platform, startPlatform } from './platform.ts';
import { type Streamer, signUpStreamer } from './streamer.ts';

/**
 * The platform as `npm start` runs it for the tests of the describe block this is called in:
 * started before them (within `startTimeoutMs`, with a signed-up `streamer` when asked for) and
 * stopped after them, once the block's own afterAll hooks have run. Read in hooks and tests.
 */
export function usePlatform(options: { streamer?: boolean; startTimeoutMs?: number } = {}): {
  readonly platform: Platform;
  readonly streamer: Streamer;
} {
  let platform: Platform | undefined;
  let streamer: Streamer | undefined;
  beforeAll(async () => {
    platform = await startPlatform();
    if (options.streamer) streamer = await signUpStreamer(platform.gateway, platform.home);
  }, options.startTimeoutMs ?? 300_000);
  afterAll(async () => {
    await platform?.down();
  }, 60_000);
  return {
    get platform() {
      if (!platform) throw new Error('the platform has not started');
      return platform;
    },
    get streamer() {
      if (!streamer) throw new Error('no streamer: usePlatform({ streamer: true })');
      return streamer;
    },
  };
}
