import { waitFor } from '@phzzk/testing';
import { getText, parseMedia } from './hls.ts';
import { logTails, type Platform, startPlatform } from './platform.ts';
import type { Proc } from './processes.ts';
import { publishTestPattern } from './publisher.ts';
import { type Streamer, signUpStreamer } from './streamer.ts';

export interface LiveStream {
  platform: Platform;
  streamer: Streamer;
  publisher: Proc;
  /** `${gateway}/hls/<channelId>`. */
  hlsBase: string;
  masterUrl: string;
  close(): Promise<void>;
}

/**
 * A platform with one streamer publishing the 720p30 test pattern, returned once the gateway
 * serves the stream (its source playlist has `minSegments` complete segments).
 */
export async function startLiveStream(options: { seconds: number; minSegments?: number }): Promise<LiveStream> {
  const platform = await startPlatform();
  let publisher: Proc | undefined;
  const close = async () => {
    await publisher?.stop('SIGINT');
    await platform.down();
  };
  try {
    const streamer = await signUpStreamer(platform.gateway, platform.home);
    publisher = publishTestPattern(`${platform.rtmpBase}/${streamer.streamKey}`, { seconds: options.seconds });
    const hlsBase = `${platform.gatewayUrl}/hls/${streamer.channelId}`;
    await waitForStream(platform, streamer.channelId, publisher, options.minSegments);
    return { platform, streamer, publisher, hlsBase, masterUrl: `${hlsBase}/master.m3u8`, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * Resolves once the gateway serves the channel's source playlist with `minSegments` complete
 * segments. Fails as soon as the publisher exits first (its key refused, or the ingest could not
 * authorize it in time), with the publisher's output and the service logs.
 */
export async function waitForStream(
  platform: Platform,
  channelId: string,
  publisher: Proc,
  minSegments = 1,
  timeoutMs = 30_000,
): Promise<void> {
  const playlist = `${platform.gatewayUrl}/hls/${channelId}/source/playlist.m3u8`;
  const outcome = await waitFor(
    async () => {
      if (!publisher.running()) return 'exited';
      const res = await getText(playlist);
      return res.status === 200 && parseMedia(res.text).segments.length >= minSegments ? 'serving' : undefined;
    },
    { what: 'the stream through the gateway', timeoutMs, intervalMs: 250 },
  );
  if (outcome === 'exited') {
    throw new Error(
      `the publisher exited before the stream was served: ${publisher.output()}\n${logTails(platform.home)}`,
    );
  }
}
