// Transcoding cost. (1) CPU of the whole ladder for one 720p30 stream in PHZZK (the transcoder's
// ffmpeg + the transcoder's Node process, which reads its fMP4 and packages LL-HLS) against the
// very same ffmpeg command (arguments read from the running one) run bare on the same input, at
// the same time: CPU seconds (user + sys, /proc/<pid>/stat) per media second. (2) Capacity: 1, 2,
// 3 ... concurrent 720p30 publishers with the full ladder until one level does not keep real time.
import { existsSync } from 'node:fs';
import { waitFor } from '@phzzk/testing';
import { getText, parseMedia } from '../test/support/hls.ts';
import { startPlatform } from '../test/support/platform.ts';
import type { Proc } from '../test/support/processes.ts';
import { signUpStreamer } from '../test/support/streamer.ts';
import { type BareLadder, runBareLadder } from './lib/bare-ladder.ts';
import { publishFile, sourceFile } from './lib/file-publisher.ts';
import { PartCounter } from './lib/part-counter.ts';
import { childrenOf, commandLine, cpuSeconds, machineCpu } from './lib/proc-stat.ts';
import { type Figure, round, writeResult } from './lib/results.ts';
import { downOnSignal, stage } from './lib/stage.ts';

const COST_WINDOW_S = Number(process.env.BENCH_COST_WINDOW_S ?? 30);
const IDLE_WINDOW_S = 10;
const LEVEL_WINDOW_S = Number(process.env.BENCH_LEVEL_WINDOW_S ?? 20);
const MAX_STREAMS = Number(process.env.BENCH_MAX_STREAMS ?? 6);
/** A level keeps real time when every stream lists >= 95% media per wall second, lag not growing. */
const MIN_RATE = 0.95;
const MAX_LAG_GROWTH_S = 0.5;
const WATCHED = '480p'; // the costliest rung; one ffmpeg makes all outputs, so all move together

const file = await sourceFile();
stage('starting the platform');
const platform = await startPlatform({ LOG_LEVEL: 'warn' });
const publishers: Proc[] = [];
let bare: BareLadder | undefined;
const counters: PartCounter[] = [];
const cleanup = async () => {
  for (const c of counters) await c.stop();
  await bare?.stop();
  await Promise.all(publishers.map((p) => p.stop('SIGKILL')));
};
downOnSignal(platform, cleanup);

const pidOf = (service: string) => {
  const record = platform.instances().find((r) => r.service === service);
  if (!record) throw new Error(`no ${service} running`);
  return record.pid;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A new streamer publishing the file; resolves once its ladder is served through the gateway. */
async function addStream(): Promise<{ channelId: string; counter: PartCounter }> {
  const streamer = await signUpStreamer(platform.gateway, platform.home);
  const publisher = publishFile(`${platform.rtmpBase}/${streamer.streamKey}`, file, 900);
  publishers.push(publisher);
  const playlist = `${platform.gatewayUrl}/hls/${streamer.channelId}/${WATCHED}/playlist.m3u8`;
  await waitFor(
    async () => {
      if (!publisher.running()) throw new Error(`publisher exited: ${publisher.output()}`);
      const res = await getText(playlist);
      return res.status === 200 && parseMedia(res.text).parts.length > 0;
    },
    { what: `stream ${publishers.length} served`, timeoutMs: 40_000, intervalMs: 250 },
  );
  const counter = new PartCounter(playlist);
  counters.push(counter);
  return { channelId: streamer.channelId, counter };
}

const figures: Figure[] = [];
const notes: string[] = [];
try {
  // (1) One stream in PHZZK and the same command bare, side by side.
  // The transcoder's Node process costs something with no stream at all (leases, Kafka, health):
  // measured first, so that the packaging cost proper can be told from it.
  const transcoder = pidOf('transcoder');
  stage(`idle transcoder for ${IDLE_WINDOW_S} s`);
  const idle0 = { cpu: cpuSeconds(transcoder), at: performance.now() };
  await sleep(IDLE_WINDOW_S * 1000);
  const idleRate = (cpuSeconds(transcoder) - idle0.cpu) / ((performance.now() - idle0.at) / 1000);
  stage('one stream; then the same ffmpeg bare beside it');
  await addStream();
  const ingest = pidOf('ingest');
  const ffmpegPid = await waitFor(() => childrenOf(transcoder, 'ffmpeg')[0], { what: "the transcoder's ffmpeg" });
  const args = commandLine(ffmpegPid).slice(1);
  bare = runBareLadder(args, file);
  const running = bare;
  await waitFor(() => running.mediaSeconds() > 5, { what: 'the bare ladder to run', timeoutMs: 30_000 });
  const counter = counters[0] as PartCounter;
  const pids = { bare: bare.pid, ffmpeg: ffmpegPid, transcoder, ingest };
  const cpu = () => Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, cpuSeconds(pid)]));
  const t0 = performance.now();
  const c0 = cpu();
  const bare0 = bare.mediaSeconds();
  const m0 = machineCpu();
  stage(`measuring CPU for ${COST_WINDOW_S} s`);
  await sleep(COST_WINDOW_S * 1000);
  const t1 = performance.now();
  const c1 = cpu();
  const m1 = machineCpu();
  const bareMedia = bare.mediaSeconds() - bare0;
  const phzzkMedia = counter.mediaBetween(t0, t1);
  const per = (k: string, media: number) => ((c1[k] as number) - (c0[k] as number)) / media;
  const bareCost = per('bare', bareMedia);
  const ffmpegCost = per('ffmpeg', phzzkMedia);
  const nodeCost = per('transcoder', phzzkMedia);
  const nodeMarginal = nodeCost - (idleRate * (t1 - t0)) / 1000 / phzzkMedia;
  const ingestCost = per('ingest', phzzkMedia);
  await bare.stop();
  bare = undefined;
  figures.push(
    { metric: 'bare ffmpeg ladder CPU per media second', value: round(bareCost, 3), unit: 'cpu-s/s' },
    {
      metric: "PHZZK transcoder's ffmpeg CPU per media second",
      value: round(ffmpegCost, 3),
      unit: 'cpu-s/s',
      reference: 'bare ffmpeg, same command, same run',
    },
    {
      metric: 'PHZZK transcoder Node process (fMP4 reading, LL-HLS packaging, origin) per media second',
      value: round(nodeCost, 3),
      unit: 'cpu-s/s',
    },
    {
      metric: '  of which the stream itself (minus the idle process)',
      value: round(nodeMarginal, 3),
      unit: 'cpu-s/s',
    },
    {
      metric: 'PHZZK ladder (ffmpeg + transcoder Node) / bare ffmpeg',
      value: round((ffmpegCost + nodeCost) / bareCost, 3),
      unit: 'x',
      reference: 'bare ffmpeg, same command, same run',
      target: '<= 1.10',
    },
    {
      metric: 'PHZZK ladder per stream (ffmpeg + packaging minus idle) / bare ffmpeg',
      value: round((ffmpegCost + nodeMarginal) / bareCost, 3),
      unit: 'x',
      reference: 'bare ffmpeg, same command, same run',
      target: '<= 1.10',
    },
    { metric: 'ingest Node process per media second (not in the ratio)', value: round(ingestCost, 3), unit: 'cpu-s/s' },
    {
      metric: 'CPU per 720p30 stream, everything (ffmpeg + transcoder Node + ingest)',
      value: round(ffmpegCost + nodeCost + ingestCost, 3),
      unit: 'cores',
    },
  );
  notes.push(
    `idle transcoder Node ${round(idleRate, 4)} cpu-s/s; cost window ${COST_WINDOW_S} s: bare ${round(bareMedia, 1)} media s, PHZZK ${round(phzzkMedia, 1)} media s; ` +
      `machine busy ${round((100 * (m1.busy - m0.busy)) / (m1.total - m0.total), 1)}% of 2 cores during it; ` +
      `ffmpeg command: ffmpeg ${args.join(' ')}`,
  );

  // (2) Capacity: add a stream per level, measure every stream over a window.
  let sustained = 0;
  for (let n = 1; n <= MAX_STREAMS; n++) {
    if (n > 1) {
      stage(`adding stream ${n}`);
      await addStream();
    }
    await sleep(3000); // let the newest ffmpeg get past its start before the window opens
    // Our processes (transcoder ffmpegs and Node, ingest, publishers) against the whole machine:
    // what is left was other work on this shared machine.
    const ours = [...childrenOf(transcoder, 'ffmpeg'), transcoder, ingest, ...publishers.map((p) => p.pid)];
    const oursCpu = () => ours.reduce((sum, pid) => sum + (existsSync(`/proc/${pid}`) ? cpuSeconds(pid) : 0), 0);
    const o0 = oursCpu();
    const w0 = performance.now();
    const mc0 = machineCpu();
    stage(`level ${n}: measuring ${LEVEL_WINDOW_S} s`);
    await sleep(LEVEL_WINDOW_S * 1000);
    const w1 = performance.now();
    const mc1 = machineCpu();
    const rates = counters.map((c) => c.mediaBetween(w0, w1) / ((w1 - w0) / 1000));
    const growth = counters.map((c) => c.lagGrowth(w0, w1));
    const busy = (100 * (mc1.busy - mc0.busy)) / (mc1.total - mc0.total);
    const oursPct = (100 * (oursCpu() - o0)) / (mc1.total - mc0.total);
    const ok = rates.every((r) => r >= MIN_RATE) && growth.every((g) => g <= MAX_LAG_GROWTH_S);
    const line =
      `level ${n}: rates ${rates.map((r) => round(r, 3)).join(' ')}, lag growth ${growth.map((g) => round(g, 2)).join(' ')} s, ` +
      `machine ${round(busy, 1)}% busy (PHZZK streams ${round(oursPct, 1)}%, other work ${round(busy - oursPct, 1)}%) ` +
      `-> ${ok ? 'keeps real time' : 'falls behind'}`;
    console.log(line);
    notes.push(line);
    if (!ok) break;
    sustained = n;
  }
  figures.push({
    metric: `concurrent 720p30 streams with the full ladder kept in real time (stopped at ${MAX_STREAMS})`,
    value: sustained,
    unit: 'streams',
    target: '>= 1',
  });
  writeResult(
    'transcode-cost',
    figures,
    `Source: 720p30 x264 veryfast 3.5 Mb/s, 1 s GOP, AAC, copied by the publishers in real time (no encode on ` +
      `the publisher side). Ladder: source copy + 480p/360p/160p (x264 ${args[args.indexOf('-preset') + 1]}). ` +
      `Real time = each stream's ${WATCHED} parts listed at >= ${MIN_RATE}x real time over ${LEVEL_WINDOW_S} s and ` +
      `their lag behind real time growing <= ${MAX_LAG_GROWTH_S} s. Machine: ${2} cores, shared with other test ` +
      `runs: noisy. ${notes.join(' | ')}`,
  );
} finally {
  await cleanup();
  await platform.down();
}
