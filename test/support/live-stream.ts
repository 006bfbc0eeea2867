import { waitFor } from '@phzzk/testing';
import { getText, parseMedia } from './hls.ts';
import { type Platform, startPlatform } from './platform.ts';
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
    const streamer = await signUpStreamer(platform.gateway);
    publisher = publishTestPattern(`${platform.rtmpBase}/${streamer.streamKey}`, { seconds: options.seconds });
    const hlsBase = `${platform.gatewayUrl}/hls/${streamer.channelId}`;
    const started = publisher;
    await waitFor(
      async () => {
        if (!started.running()) throw new Error(`publisher exited: ${started.output()}`);
        const res = await getText(`${hlsBase}/source/playlist.m3u8`);
        return res.status === 200 && parseMedia(res.text).segments.length >= (options.minSegments ?? 1);
      },
      { what: 'the stream through the gateway', timeoutMs: 30_000, intervalMs: 250 },
    );
    return { platform, streamer, publisher, hlsBase, masterUrl: `${hlsBase}/master.m3u8`, close };
  } catch (error) {
    await close();
    throw error;
  }
}
