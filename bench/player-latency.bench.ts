// Player latency: hls.js (low-latency mode) in Chromium plays the live stream from the gateway for
// 60 s. hls.latency (its distance behind the playlist's live edge), targetLatency and drift are
// sampled every 500 ms; the first 20 s (start-up, catching up) are left out of the figures.
// Stalls: `waiting` events after playback began, and hls.js BUFFER_STALLED_ERRORs.
import { waitFor } from '@phzzk/testing';
import { type PlayerSample, readPlayer } from '../test/support/browser.ts';
import { withBrowserBench } from './lib/browser-bench.ts';
import { type Figure, percentile, round, writeResult } from './lib/results.ts';
import { stage } from './lib/stage.ts';

const PLAY_SECONDS = Number(process.env.BENCH_PLAYER_SECONDS ?? 60);
const SETTLE_SECONDS = 20;

stage('starting the platform and a 720p30 publisher');
await withBrowserBench({ seconds: PLAY_SECONDS + 60, minSegments: 1 }, async ({ live, pages, browser }) => {
  // The web player's setting (catch up at up to 1.5x), and hls.js's defaults beside it for comparison.
  const players = [
    { label: 'catch-up 1.5x', catchUp: 1.5, main: true },
    { label: 'hls.js default, no catch-up', catchUp: 1, main: false },
  ];
  const opened = await Promise.all(
    players.map(async (p) => {
      const page = await browser.newPage({ viewport: { width: 960, height: 600 } });
      await page.goto(pages.urlFor(live.masterUrl, { catchUp: p.catchUp }));
      await waitFor(async () => (await readPlayer(page)).state.playing, {
        what: 'playback to start',
        timeoutMs: 30_000,
        intervalMs: 100,
      });
      return { ...p, page, samples: [] as PlayerSample[] };
    }),
  );
  stage(`playing; sampling for ${PLAY_SECONDS} s`);
  const began = performance.now();
  while (performance.now() - began < PLAY_SECONDS * 1000) {
    for (const p of opened) {
      const { state, sample } = await readPlayer(p.page);
      if (state.fatal) throw new Error(`hls.js fatal error (${p.label}): ${state.fatal}`);
      p.samples.push(sample);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  const figures: Figure[] = [];
  for (const p of opened) {
    const { state } = await readPlayer(p.page);
    const { samples } = p;
    const settled = samples.filter((s) => s.at - samples[0]!.at >= SETTLE_SECONDS * 1000);
    const sorted = (f: (s: PlayerSample) => number | undefined) =>
      settled
        .map(f)
        .filter((v): v is number => typeof v === 'number' && Number.isFinite(v))
        .sort((a, b) => a - b);
    const latency = sorted((s) => s.latency);
    const target = sorted((s) => s.targetLatency);
    const drift = sorted((s) => s.drift);
    const played = samples.at(-1)!.currentTime - samples[0]!.currentTime;
    const wall = (samples.at(-1)!.at - samples[0]!.at) / 1000;
    const stalled = state.errors.filter((e) => e.details === 'bufferStalledError').length;
    console.log(
      `${p.label}: latency ${samples.map((s) => s.latency?.toFixed(2)).join(' ')}\nerrors: ${JSON.stringify(state.errors)}`,
    );
    figures.push(
      {
        metric: `hls.js latency after ${SETTLE_SECONDS} s, ${p.label}, p50`,
        value: round(percentile(latency, 50)),
        unit: 's',
        ...(p.main ? { target: '<= 1.5 s' } : {}),
      },
      {
        metric: `hls.js latency after ${SETTLE_SECONDS} s, ${p.label}, p95`,
        value: round(percentile(latency, 95)),
        unit: 's',
      },
      { metric: `hls.js target latency, ${p.label}, p50`, value: round(percentile(target, 50)), unit: 's' },
      { metric: `hls.js drift, ${p.label}, p50`, value: round(percentile(drift, 50), 3), unit: 'x' },
      {
        metric: `stalls in ${PLAY_SECONDS} s (waiting after start), ${p.label}`,
        value: state.waiting,
        unit: '',
        target: '0',
      },
      {
        metric: `hls.js buffer-stalled errors in ${PLAY_SECONDS} s, ${p.label}`,
        value: stalled,
        unit: '',
        target: '0',
      },
      { metric: `media played / wall time, ${p.label}`, value: round(played / wall, 3), unit: 'x' },
    );
  }
  writeResult(
    'player-latency',
    figures,
    `hls.js ${await opened[0]!.page.evaluate(() => (globalThis as unknown as { Hls: { version: string } }).Hls.version)} ` +
      `(lowLatencyMode) in Chromium ${browser.version()} (headless, software rendering), two players at once, 720p30 ` +
      `test pattern publisher (1 s GOP), the full ladder, through the gateway; samples every 0.5 s after ${SETTLE_SECONDS} s. ` +
      'hls.latency is the player-side estimate of its distance behind the live edge of the playlist; the server ' +
      'side (publisher -> part downloadable) is live-latency. Shared 2-core machine: noisy.',
  );
});
