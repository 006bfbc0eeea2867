// VODs and clips (services/packager). (1) Stream end -> VOD ready and playable: a 10 s and a 10 min
// broadcast (real ffmpeg CMAF segments in the transcoder's layout, written faster than real time),
// stream.ended on Kafka, then the time until the API says `ready` and the master and a VOD media
// playlist (ENDLIST) are served; ffprobe then reads the whole media (duration checked to 0.1 s).
// (2) Clip request -> the clip plays and its MP4 is downloaded. (3) Storyboard CPU per hour of
// broadcast (sprite sheets drawn as the live thumbnails arrive, at broadcast pace: a build step
// every 10 s of broadcast), against the transcoding CPU of the same hour (the transcoder's ladder
// ffmpeg on a 720p30 source), both measured in this run. Compare: PeerTube waits 5 minutes after a
// live ends before it even starts its remux job.
// bench-needs: postgres kafka ffmpeg
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatSegmentIndexLine, Topics, topicSpecs, type VodStatus } from '@phzzk/contracts';
import { createLogger, EventProducer, ensureTopics, identityHeaders } from '@phzzk/kit';
import { buildLadderArgs, type RenditionPlan } from '@phzzk/media/ffmpeg';
import { DEFAULT_LADDER, renditionsFor } from '@phzzk/media/ladder';
import {
  ApiClient,
  freshSchema,
  publishStreamEnded,
  startServiceProcess,
  testInfra,
  uniqueName,
  waitFor,
} from '@phzzk/testing';
import { v7 as uuidv7 } from 'uuid';
import { benchmarkCpu, FfmpegSpriteMaker } from '../services/packager/src/adapters/ffmpeg-sprite-maker.ts';
import { probeInit } from '../services/packager/src/adapters/init-probe.ts';
import { LocalMediaStorage } from '../services/packager/src/adapters/local-media-storage.ts';
import { MediaReader } from '../services/packager/src/domain/media-reader.ts';
import type { VodRow, VodStore } from '../services/packager/src/domain/ports.ts';
import { StoryboardBuilder } from '../services/packager/src/workers/storyboard-builder.ts';
import { parseMediaPlaylist, probedVideoSeconds } from '../services/packager/test/support/hls.ts';
import {
  encodeRun,
  encodeThumbnails,
  removeDir,
  SessionWriter,
  type StagedRun,
} from '../services/packager/test/support/session-media.ts';
import { spawnFeeder, spawnLadder } from './lib/bare-ladder.ts';
import { sourceFile } from './lib/file-publisher.ts';
import { type Figure, percentile, round, writeResult } from './lib/results.ts';
import { stage } from './lib/stage.ts';
import { publishStreamStarted } from './lib/stream-events.ts';

const SHORT_RUNS = Number(process.env.BENCH_VOD_SHORT_RUNS ?? 5);
const LONG_RUNS = Number(process.env.BENCH_VOD_LONG_RUNS ?? 3);
const LONG_SECONDS = Number(process.env.BENCH_VOD_LONG_SECONDS ?? 600);
const CLIPS = Number(process.env.BENCH_VOD_CLIPS ?? 5);
const LADDER_SECONDS = 20;

const infra = await testInfra();
await ensureTopics(infra.kafkaBrokers, topicSpecs([Topics.channelEvents, Topics.vodEvents]));
const root = await mkdtemp(join(tmpdir(), 'phzzk-bench-vod-'));
const schema = freshSchema(infra.databaseUrl, 'packager_bench');
stage('starting a packager');
const packager = await startServiceProcess('packager', {
  DATABASE_URL: infra.databaseUrl,
  DATABASE_SCHEMA: schema.name,
  KAFKA_BROKERS: infra.kafkaBrokers.join(','),
  STORAGE_ROOT: root,
  PACKAGER_CONSUMER_GROUP: uniqueName('packager_bench'),
  DISCOVERY_MODE: 'static',
  LOG_LEVEL: 'warn',
});
const api = new ApiClient(packager.url);
const logger = createLogger({ service: 'bench', instanceId: 'vod', level: 'silent' });
const producer = new EventProducer({ brokers: infra.kafkaBrokers, producer: 'bench-vod', logger });
const figures: Figure[] = [];
const notes: string[] = [];

type VodBody = { id: string; status: VodStatus; durationSeconds: number };

async function startBroadcast(channelId: string) {
  const sessionId = uuidv7();
  const writer = new SessionWriter(root, sessionId);
  await publishStreamStarted(producer, channelId, {
    sessionId,
    video: { codec: 'h264', width: 320, height: 180, fps: 25 },
    audio: { codec: 'aac', sampleRate: 48000, channels: 1 },
    bitrateKbps: 500,
  });
  const vod = await waitFor(
    async () => {
      const res = await api.get<{ items: (VodBody & { sessionId: string })[] }>(
        `/api/vods?channelId=${channelId}&limit=100`,
      );
      return res.body.items?.find((v) => v.sessionId === sessionId);
    },
    { what: 'the VOD row', timeoutMs: 30_000 },
  );
  return { sessionId, writer, vodId: vod.id };
}

/** One broadcast of `media`: returns ms from stream.ended to ready, and to ready + playable. */
async function endToReady(media: StagedRun): Promise<{ readyMs: number; playableMs: number; vodId: string }> {
  const channelId = uuidv7();
  const { sessionId, writer, vodId } = await startBroadcast(channelId);
  await writer.append(media);
  // The transcoder's last act when a session ends: its master playlist (the completion mark).
  const master = await (await fetch(`${packager.url}/vod/${vodId}/master.m3u8`)).text();
  await writer.finish(master);
  const t0 = performance.now();
  await publishStreamEnded(producer, channelId, sessionId);
  await waitFor(async () => (await api.get<VodBody>(`/api/vods/${vodId}`)).body.status === 'ready', {
    what: 'ready',
    intervalMs: 5,
    timeoutMs: 30_000,
  });
  const readyMs = performance.now() - t0;
  const masterRes = await fetch(`${packager.url}/vod/${vodId}/master.m3u8`);
  const playlist = parseMediaPlaylist(await (await fetch(`${packager.url}/vod/${vodId}/hi/playlist.m3u8`)).text());
  if (masterRes.status !== 200 || !playlist.endList || playlist.type !== 'VOD') throw new Error('not playable');
  const playableMs = performance.now() - t0;
  return { readyMs, playableMs, vodId };
}

try {
  // (1) End -> ready.
  for (const [label, seconds, runs] of [
    ['10 s', 10, SHORT_RUNS],
    [`${LONG_SECONDS / 60} min`, LONG_SECONDS, LONG_RUNS],
  ] as const) {
    stage(`encoding a ${label} broadcast (faster than real time)`);
    const media = await encodeRun(seconds, { fps: 25 });
    const samples: { readyMs: number; playableMs: number; vodId: string }[] = [];
    for (let i = 0; i < runs; i++) {
      stage(`${label} broadcast ${i + 1}/${runs}: end -> ready`);
      samples.push(await endToReady(media));
    }
    const ready = samples.map((s) => s.readyMs).sort((a, b) => a - b);
    const playable = samples.map((s) => s.playableMs).sort((a, b) => a - b);
    figures.push(
      {
        metric: `${label} broadcast: stream.ended -> VOD ready, median of ${runs}`,
        value: round(percentile(ready, 50)),
        unit: 'ms',
        target: '<= 1000 ms',
      },
      {
        metric: `${label} broadcast: stream.ended -> ready + master and VOD playlist served, max of ${runs}`,
        value: round(playable.at(-1)!),
        unit: 'ms',
        reference: 'PeerTube: 300000 ms before its remux starts',
        target: '<= 1000 ms',
      },
    );
    // ffprobe reads the whole media of the last one through HTTP.
    const last = samples.at(-1)!;
    const vod = (await api.get<VodBody>(`/api/vods/${last.vodId}`)).body;
    const t = performance.now();
    const probed = await probedVideoSeconds(`${packager.url}/vod/${last.vodId}/hi/playlist.m3u8`);
    const readMs = performance.now() - t;
    const error = Math.abs(probed.seconds - vod.durationSeconds);
    if (error >= 0.1) throw new Error(`${label}: media ${probed.seconds} s vs VOD ${vod.durationSeconds} s`);
    figures.push(
      {
        metric: `${label} broadcast: |media duration (ffprobe, every packet) - VOD duration|`,
        value: round(error, 3),
        unit: 's',
        target: '< 0.1 s',
      },
      { metric: `${label} broadcast: ffprobe reads the whole VOD over HTTP`, value: round(readMs), unit: 'ms' },
    );
    if (seconds === LONG_SECONDS) {
      // (2) Clips of this VOD.
      const viewer = identityHeaders({ userId: uuidv7() });
      const clipMs: number[] = [];
      for (let i = 0; i < CLIPS; i++) {
        stage(`clip ${i + 1}/${CLIPS}`);
        const startSeconds = Math.floor(((i + 1) * (vod.durationSeconds - 60)) / (CLIPS + 1));
        const t1 = performance.now();
        const res = await api.post<{ id: string; playlistUrl: string; mp4Url: string }>(
          '/api/clips',
          { vodId: last.vodId, startSeconds, durationSeconds: 30 },
          viewer,
        );
        if (res.status !== 201) throw new Error(`clip: ${res.status} ${JSON.stringify(res.body)}`);
        const master = await fetch(`${packager.url}${res.body.playlistUrl}`);
        const mp4 = await fetch(`${packager.url}${res.body.mp4Url}`);
        const bytes = (await mp4.arrayBuffer()).byteLength;
        if (master.status !== 200 || mp4.status !== 200 || bytes < 1000) throw new Error('clip not playable');
        clipMs.push(performance.now() - t1);
      }
      clipMs.sort((a, b) => a - b);
      figures.push(
        {
          metric: `30 s clip of a VOD: request -> playable + MP4 downloaded, median of ${CLIPS}`,
          value: round(percentile(clipMs, 50)),
          unit: 'ms',
          target: '<= 2000 ms',
        },
        {
          metric: `30 s clip of a VOD: request -> playable + MP4 downloaded, max of ${CLIPS}`,
          value: round(clipMs.at(-1)!),
          unit: 'ms',
          target: '<= 2000 ms',
        },
      );
    }
  }

  // (3) Storyboard CPU per hour of broadcast, at broadcast pace.
  stage('storyboard: one hour of live thumbnails (every 2 s)');
  const hour = await storyboardHour();
  stage('transcoding CPU of the same stream (the ladder ffmpeg on 720p30)');
  const ladder = await ladderCpuPerMediaSecond(true);
  const ladderHour = ladder * 3600;
  stage('the same ladder without its thumbnail output');
  const thumbnailsHour = Math.max(0, ladder - (await ladderCpuPerMediaSecond(false))) * 3600;
  figures.push(
    {
      metric: 'storyboard: CPU per hour of broadcast (sprite ffmpeg + Node)',
      value: round(hour.cpuSeconds, 2),
      unit: 's',
    },
    {
      metric: 'storyboard CPU / transcoding CPU, same hour',
      value: round((hour.cpuSeconds / ladderHour) * 100, 3),
      unit: '%',
      reference: `ladder ffmpeg: ${round(ladderHour)} CPU s per hour`,
      target: '<= 3 %',
    },
    {
      metric: 'live thumbnails: CPU per hour (the ladder with - without its JPEG output; noisy)',
      value: round(thumbnailsHour, 1),
      unit: 's',
    },
    {
      metric: '(storyboard + live thumbnails) CPU / transcoding CPU, same hour',
      value: round(((hour.cpuSeconds + thumbnailsHour) / ladderHour) * 100, 3),
      unit: '%',
      target: '<= 3 %',
    },
  );
  notes.push(`storyboard: ${hour.sheets} sheet drawings for ${hour.tiles} tiles in one hour`);
  notes.push('shared 2-core machine (other helpers running): figures are indicative');
  writeResult('vod', figures, notes.join('; '));
} finally {
  await producer.close();
  await packager.stop('SIGTERM');
  await schema.drop();
  await removeDir(root);
}

/** Drives the real StoryboardBuilder over one hour of thumbnails, a step every 10 s of broadcast. */
async function storyboardHour(): Promise<{ cpuSeconds: number; sheets: number; tiles: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'phzzk-bench-storyboard-'));
  const storage = new LocalMediaStorage(dir);
  const sprites = new FfmpegSpriteMaker({ storage, ffmpegPath: 'ffmpeg' });
  const reader = new MediaReader(storage, probeInit);
  const sessionId = uuidv7();
  const writer = new SessionWriter(dir, sessionId, Date.UTC(2026, 0, 1));
  const thumbs = await encodeThumbnails(3600, 2);
  const row: VodRow = {
    id: uuidv7(),
    channelId: uuidv7(),
    sessionId,
    title: 'bench',
    visibility: 'public',
    status: 'recording',
    startedAt: new Date(),
    endedAt: null,
    durationSeconds: 0,
    thumbnailMs: null,
    storyboardTiles: 0,
    storyboardDone: false,
  };
  // The builder's store: one VOD, in memory (the database is not what is measured here).
  const store = {
    claimStoryboards: async () => [row],
    progress: async () => {},
    storyboardProgress: async (_id: string, _w: string, tiles: number, done: boolean) => {
      row.storyboardTiles = tiles;
      row.storyboardDone = done;
    },
  } as unknown as VodStore;
  const builder = new StoryboardBuilder({
    store,
    storage,
    reader,
    sprites,
    logger,
    worker: 'bench',
    intervalMs: 10_000,
    leaseMs: 60_000,
    minNewTiles: 15,
  });
  const indexDir = join(writer.dir, 'hi');
  await mkdir(indexDir, { recursive: true });
  await writeFile(join(indexDir, 'init-0.mp4'), '');
  let index = '';
  let cpu = 0;
  for (let step = 0; step < 360; step++) {
    // 10 s of broadcast: five 2 s segments in the index, five thumbnails.
    for (let k = 0; k < 5; k++) {
      const n = step * 5 + k;
      index += formatSegmentIndexLine({
        msn: n,
        uri: `seg-${n}.m4s`,
        duration: 2,
        initUri: 'init-0.mp4',
        discontinuity: false,
        programDateTime: writer.startMs + n * 2000,
      });
    }
    await writeFile(join(indexDir, 'segments.jsonl'), index);
    await writer.thumbnails(thumbs.slice(step * 5, step * 5 + 5), 2, step * 5);
    const before = process.cpuUsage();
    await builder.build(row);
    const used = process.cpuUsage(before);
    cpu += (used.user + used.system) / 1e6;
  }
  row.status = 'ready';
  const before = process.cpuUsage();
  await builder.build(row);
  const used = process.cpuUsage(before);
  cpu += (used.user + used.system) / 1e6;
  await removeDir(dir);
  return { cpuSeconds: cpu + sprites.cpuSeconds, sheets: sprites.sheets, tiles: row.storyboardTiles };
}

/** CPU seconds (user + sys) per media second of the transcoder's ladder ffmpeg on a 720p30 source. */
async function ladderCpuPerMediaSecond(thumbnails: boolean): Promise<number> {
  const file = await sourceFile();
  const plans: RenditionPlan[] = renditionsFor({ width: 1280, height: 720 }, DEFAULT_LADDER).map((r) =>
    r.source
      ? { name: r.name, video: { mode: 'copy', codec: 'h264' }, audio: { mode: 'copy' }, bandwidth: undefined }
      : {
          name: r.name,
          video: { mode: 'encode', width: r.width, height: r.height, kbps: r.videoKbps },
          audio: { mode: 'encode', kbps: r.audioKbps },
          bandwidth: undefined,
        },
  );
  const args = buildLadderArgs(
    plans,
    {
      preset: 'veryfast',
      partTarget: 0.5,
      frameSeconds: 1 / 30,
      probeSize: 65_536,
      analyzeDurationUs: 200_000,
      logLevel: 'info',
    },
    1,
    thumbnails ? { everySeconds: 2 } : undefined,
  );
  const { ladder, outputs } = spawnLadder(['-benchmark', ...args]);
  const feeder = spawnFeeder(['-i', file, '-t', String(LADDER_SECONDS)]);
  feeder.stderr.resume();
  feeder.stdout.pipe(ladder.stdin!);
  ladder.stdin!.on('error', () => {});
  for (let i = 0; i < outputs; i++) (ladder.stdio[3 + i] as NodeJS.ReadableStream).resume();
  let stderr = '';
  ladder.stderr!.on('data', (d) => (stderr = (stderr + d).slice(-16_384)));
  await new Promise<void>((resolve, reject) =>
    ladder.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`ladder exited ${code}: ${stderr.slice(-500)}`)),
    ),
  );
  const cpu = benchmarkCpu(stderr);
  if (cpu <= 0) throw new Error(`no -benchmark figures: ${stderr.slice(-300)}`);
  return cpu / LADDER_SECONDS;
}
