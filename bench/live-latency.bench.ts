// Server latency of the live path, measured from outside: a publisher whose picture flips between
// black and white at instants it records (bench/lib/flip-publisher.ts), and a low-latency HLS
// client on the gateway (bench/lib/part-watcher.ts) that downloads each part as soon as a blocking
// playlist reload lists it and decodes it. Latency = first part carrying the new colour fully
// downloaded - the instant its first frame went into the publisher's encoder. No server timestamp
// (PROGRAM-DATE-TIME, prft) is used. Source (copied) and 360p (transcoded) are watched at once.
import { waitFor } from '@phzzk/testing';
import { getText, parseMedia } from '../test/support/hls.ts';
import { startPlatform } from '../test/support/platform.ts';
import { signUpStreamer } from '../test/support/streamer.ts';
import { type SwitchLatency, switchLatencies } from './lib/flip-latency.ts';
import { startFlipPublisher } from './lib/flip-publisher.ts';
import { PartWatcher } from './lib/part-watcher.ts';
import { type Figure, percentile, round, writeResult } from './lib/results.ts';
import { downOnSignal, stage } from './lib/stage.ts';

const SWITCHES = Number(process.env.BENCH_LIVE_SWITCHES ?? 10);
const FLIP_SECONDS = 3;
const RENDITIONS = [
  { name: 'source', label: 'source (copied)', target: '<= 0.6 s' },
  { name: '360p', label: '360p (transcoded)', target: '<= 1.0 s' },
];

stage('starting the platform');
const platform = await startPlatform({ LOG_LEVEL: 'warn' });
let publisher: ReturnType<typeof startFlipPublisher> | undefined;
downOnSignal(platform, async () => publisher?.stop());
try {
  const streamer = await signUpStreamer(platform.gateway, platform.home);
  stage(`streamer ${streamer.channelId}; publishing`);
  const hls = `${platform.gatewayUrl}/hls/${streamer.channelId}`;
  publisher = startFlipPublisher(`${platform.rtmpBase}/${streamer.streamKey}`, { flipEverySeconds: FLIP_SECONDS });
  const pub = publisher;
  await waitFor(
    async () => {
      if (pub.output().includes('Error')) throw new Error(pub.output());
      for (const r of RENDITIONS) {
        const res = await getText(`${hls}/${r.name}/playlist.m3u8`);
        if (res.status !== 200 || parseMedia(res.text).parts.length === 0) return false;
      }
      return true;
    },
    { what: 'both renditions through the gateway', timeoutMs: 30_000, intervalMs: 250 },
  );
  stage('renditions served; watching parts');
  const watchers = RENDITIONS.map((r) => new PartWatcher(`${hls}/${r.name}/playlist.m3u8`));
  for (const w of watchers) w.start();
  // The first switch after the start may fall before the decoders have their first key frame.
  const first = pub.switches.length + 1;
  const deadline = Date.now() + (SWITCHES + 3) * FLIP_SECONDS * 1000 + 15_000;
  // One more switch than measured: the last measured one has had a whole flip period to arrive.
  await waitFor(() => pub.switches.length >= first + SWITCHES + 1, {
    what: `${SWITCHES} switches`,
    timeoutMs: deadline - Date.now(),
    intervalMs: 100,
  });
  const measured = pub.switches.slice(first, first + SWITCHES);
  stage('switches done; decoding');

  const figures: Figure[] = [];
  const details: Record<string, unknown> = {};
  for (const [i, r] of RENDITIONS.entries()) {
    const watcher = watchers[i] as PartWatcher;
    const frames = await watcher.stop();
    const latencies = switchLatencies(measured, frames);
    const ms = (pick: (l: SwitchLatency) => number) => latencies.map(pick).sort((a, b) => a - b);
    const downloaded = ms((l) => l.downloadedMs);
    const announced = ms((l) => l.announcedMs);
    const misaligned = latencies.filter((l) => l.frameError !== undefined && l.frameError !== 0).length;
    console.log(
      `${r.name}: ${latencies.length}/${measured.length} switches seen, downloaded ms ${downloaded.map(Math.round).join(' ')}`,
    );
    if (watcher.errors.length > 0) console.log(`${r.name} errors: ${watcher.errors.join('; ')}`);
    details[r.name] = {
      switchesSeen: latencies.length,
      misaligned,
      parts: watcher.parts.length,
      errors: watcher.errors,
      downloadedMs: downloaded.map(Math.round),
      announcedMs: announced.map(Math.round),
    };
    figures.push(
      {
        metric: `publisher -> first part downloadable, ${r.label}, p50`,
        value: round(percentile(downloaded, 50) / 1000),
        unit: 's',
        target: r.target,
      },
      {
        metric: `publisher -> first part downloadable, ${r.label}, p95`,
        value: round(percentile(downloaded, 95) / 1000),
        unit: 's',
      },
      {
        metric: `switches seen / frame-aligned, ${r.label}`,
        value: latencies.length - misaligned,
        unit: `of ${measured.length}`,
        target: `${measured.length}`,
      },
    );
  }
  writeResult(
    'live-latency',
    figures,
    'Glass-to-playlist latency without trusting server clocks: publisher-side switch instant (first white/black ' +
      'frame written into the publisher ffmpeg, x264 ultrafast/zerolatency 720p30, 1 s GOP, AAC) to the first LL-HLS ' +
      'part carrying it fully downloaded through the gateway, found by blocking playlist reloads and decoding every ' +
      `part. Includes publisher encode, RTMP, ingest, transcoder, packaging, gateway. ${measured.length} switches, ` +
      `one every ${FLIP_SECONDS} s +-20% (any phase of GOP and part), the publisher's queue at each switch: ` +
      `${Math.max(...measured.map((m) => m.queuedFrames))} frames max. Shared 2-core machine, other test runs active: noisy. Details: ${JSON.stringify(details)}`,
  );
} finally {
  await publisher?.stop();
  await platform.down();
}
