// The web app (issue 15): cold load of /live/{channelId} in Chromium to the first played video
// frame; the page's first-load JavaScript, gzipped; the player's latency on the page beside bare
// hls.js in the same run (as player-latency measures it); and `/` server-rendered with 100 live
// channels, p99 at the gateway.
// bench-needs: postgres redis kafka ffmpeg chromium
import { gzipSync } from 'node:zlib';
import { createLogger, EventProducer } from '@phzzk/kit';
import { uniqueName, waitFor } from '@phzzk/testing';
import autocannon from 'autocannon';
import { readPlayer } from '../test/support/browser.ts';
import { withBrowserBench } from './lib/browser-bench.ts';
import { type Figure, percentile, round, writeResult } from './lib/results.ts';
import { stage } from './lib/stage.ts';
import { publishStreamStarted } from './lib/stream-events.ts';

const COLD_LOADS = Number(process.env.BENCH_WEB_COLD_LOADS ?? 5);
const LATENCY_SECONDS = Number(process.env.BENCH_WEB_LATENCY_SECONDS ?? 40);
const SETTLE_SECONDS = 15;
const LIVE_CHANNELS = 100;
const SSR_SECONDS = Number(process.env.BENCH_WEB_SSR_SECONDS ?? 15);

stage('starting the platform (web app included) and a 720p30 publisher');
await withBrowserBench({ seconds: 600, minSegments: 2 }, async ({ live, pages: bare, browser }) => {
  const gateway = live.platform.gatewayUrl;
  const liveUrl = `${gateway}/live/${live.streamer.channelId}`;
  const figures: Figure[] = [];
  stage(`cold loads of /live/{id} to the first played frame (${COLD_LOADS}, each in a fresh browser context)`);
  const firstFrames: number[] = [];
  let firstLoadJs = 0;
  let firstLoadJsRaw = 0;
  for (let i = 0; i < COLD_LOADS; i++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    // The first frame presented by the page's <video>, in ms since navigation start.
    await page.addInitScript(`
      new MutationObserver((_, observer) => {
        const video = document.querySelector('video');
        if (!video) return;
        observer.disconnect();
        video.requestVideoFrameCallback(() => { window.__firstFrame = performance.now(); });
      }).observe(document, { childList: true, subtree: true });
    `);
    const scripts = new Map<string, Promise<Buffer>>();
    page.on('response', (response) => {
      const url = response.url();
      if (response.request().resourceType() === 'script' && url.startsWith(gateway)) scripts.set(url, response.body());
    });
    await page.goto(liveUrl);
    const at = await waitFor(() => page.evaluate<number | undefined>('window.__firstFrame'), {
      what: 'the first video frame',
      timeoutMs: 30_000,
      intervalMs: 20,
    });
    firstFrames.push(at);
    if (i === 0) {
      for (const body of await Promise.all(scripts.values())) {
        firstLoadJsRaw += body.length;
        firstLoadJs += gzipSync(body, { level: 9 }).length;
      }
    }
    await context.close();
  }
  firstFrames.sort((a, b) => a - b);
  figures.push(
    {
      metric: 'cold load of /live/{id} to the first played frame, p50',
      value: round(percentile(firstFrames, 50) / 1000),
      unit: 's',
      target: '<= 1.5 s',
    },
    {
      metric: 'cold load of /live/{id} to the first played frame, max',
      value: round(firstFrames.at(-1)! / 1000),
      unit: 's',
    },
    {
      metric: 'first-load JavaScript of /live/{id}, gzipped (hls.js included)',
      value: round(firstLoadJs / 1024, 1),
      unit: 'KB',
      target: '<= 300 KB',
    },
    { metric: 'first-load JavaScript of /live/{id}, uncompressed', value: round(firstLoadJsRaw / 1024, 1), unit: 'KB' },
  );

  writeResult('web', figures, 'partial: cold loads only');
  stage(`player latency on the page and bare hls.js side by side, ${LATENCY_SECONDS} s after ${SETTLE_SECONDS} s`);
  const webPage = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const barePage = await browser.newPage({ viewport: { width: 960, height: 600 } });
  await Promise.all([webPage.goto(liveUrl), barePage.goto(bare.urlFor(live.masterUrl, { catchUp: 1.5 }))]);
  await waitFor(() => webPage.evaluate<boolean | undefined>('window.phzzkPlayer?.playing'), {
    what: 'the page to play',
    timeoutMs: 120_000,
  });
  await waitFor(async () => (await readPlayer(barePage)).state.playing, {
    what: 'bare hls.js to play',
    timeoutMs: 120_000,
  });
  await new Promise((r) => setTimeout(r, SETTLE_SECONDS * 1000));
  const onPage: number[] = [];
  const bareLatency: number[] = [];
  const began = performance.now();
  while (performance.now() - began < LATENCY_SECONDS * 1000) {
    const a = await webPage.evaluate<number | null | undefined>('window.phzzkPlayer?.hls?.latency');
    const b = (await readPlayer(barePage)).sample.latency;
    if (typeof a === 'number' && Number.isFinite(a)) onPage.push(a);
    if (typeof b === 'number' && Number.isFinite(b)) bareLatency.push(b);
    await new Promise((r) => setTimeout(r, 500));
  }
  onPage.sort((x, y) => x - y);
  bareLatency.sort((x, y) => x - y);
  figures.push(
    {
      metric: 'player latency on /live/{id}, p50',
      value: round(percentile(onPage, 50)),
      unit: 's',
      reference: 'bare hls.js p50 in the same run',
      target: '<= bare',
    },
    {
      metric: 'bare hls.js latency (bench/fixtures/player.html), p50',
      value: round(percentile(bareLatency, 50)),
      unit: 's',
    },
    { metric: 'player latency on /live/{id}, p95', value: round(percentile(onPage, 95)), unit: 's' },
    {
      metric: 'page / bare latency, p50',
      value: round(percentile(onPage, 50) / percentile(bareLatency, 50), 3),
      unit: 'x',
      target: '<= 1',
    },
  );
  await webPage.close();
  await barePage.close();

  writeResult('web', figures, 'partial: cold loads and latency only');
  stage(`${LIVE_CHANNELS} live channels (stream.started for ${LIVE_CHANNELS} signed-up streamers; transcoder stopped)`);
  await live.publisher.stop('SIGINT');
  const transcoder = live.platform.instances().find((r) => r.service === 'transcoder');
  if (transcoder) process.kill(transcoder.pid, 'SIGTERM'); // ours (this platform's); no ffmpeg for fake sessions
  const channelIds: string[] = [];
  for (let i = 0; i < LIVE_CHANNELS; i++) {
    const signup = await live.platform.gateway.post<{ accessToken: string }>('/api/auth/signup', {
      email: `${uniqueName('bench-web')}@example.com`,
      nickname: uniqueName('bw').slice(0, 20),
      password: 'violet-Harbor-92-lantern',
    });
    // The channel is made from the user.registered event, a moment after the sign-up.
    const me = await waitFor(
      async () => {
        const res = await live.platform.gateway.get<{ id: string }>('/api/channels/me', {
          authorization: `Bearer ${signup.body.accessToken}`,
        });
        return res.status === 200 ? res.body : undefined;
      },
      { what: 'the new channel', timeoutMs: 30_000, intervalMs: 100 },
    );
    channelIds.push(me.id);
  }
  const logger = createLogger({ service: 'bench-web', instanceId: 'bench-web', level: 'silent' });
  const producer = new EventProducer({
    brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
    producer: 'bench-web',
    logger,
  });
  for (const channelId of channelIds) {
    await publishStreamStarted(producer, channelId, {
      sourceUrl: 'http://127.0.0.1:9/none.flv',
      video: { codec: 'h264', width: 1280, height: 720, fps: 30 },
      bitrateKbps: 3000,
    });
  }
  await producer.close();
  await waitFor(
    async () => {
      const page = await live.platform.gateway.get<{ items: unknown[] }>('/api/channels?live=true&limit=100');
      return page.body.items.length >= LIVE_CHANNELS;
    },
    { what: `${LIVE_CHANNELS} live channels in the directory`, timeoutMs: 60_000, intervalMs: 500 },
  );

  stage(`GET / through the gateway, ${SSR_SECONDS} s, 4 connections`);
  await autocannon({ url: `${gateway}/`, connections: 2, duration: 3 }); // warm-up
  const result = await autocannon({
    url: `${gateway}/`,
    connections: 4,
    duration: SSR_SECONDS,
    latency: true,
  } as autocannon.Options);
  figures.push(
    {
      metric: `GET / (${LIVE_CHANNELS} live channels) server-rendered at the gateway, p99`,
      value: result.latency.p99,
      unit: 'ms',
      target: '<= 100 ms',
    },
    { metric: `GET / (${LIVE_CHANNELS} live channels), p50`, value: result.latency.p50, unit: 'ms' },
    {
      metric: `GET / (${LIVE_CHANNELS} live channels), throughput`,
      value: round(result.requests.average, 1),
      unit: 'req/s',
    },
    { metric: 'GET / non-2xx answers', value: result.non2xx, unit: '', target: '0' },
  );
  writeResult(
    'web',
    figures,
    `Next.js ${(await import('next/package.json', { with: { type: 'json' } })).default.version} production build behind the gateway; ` +
      `Chromium ${browser.version()} headless, software rendering; 720p30 test pattern, full ladder. Cold loads: fresh ` +
      'contexts (empty cache), navigation start to the first frame presented (requestVideoFrameCallback). First-load JS: ' +
      'every script the page loaded, gzip -9 each. Latency: hls.latency sampled every 0.5 s on the page and on the bare ' +
      'hls.js page at once. SSR: 100 channels made live with stream.started (no media), anonymous requests; every ' +
      "request renders the home page with the directory's first 48 and their viewer counts (the web server's renders " +
      'of one second share one fetch of the public directory, as in production). Shared 2-core machine: noisy.',
  );
});
