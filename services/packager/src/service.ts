import { fileURLToPath } from 'node:url';
import { Topics } from '@phzzk/contracts';
import { defineService, openDatabase, openProducer, serviceConfig, startConsumer, startOutbox } from '@phzzk/kit';
import { Counter, Gauge } from 'prom-client';
import Type from 'typebox';
import { v7 as uuidv7 } from 'uuid';
import { ChannelOwnerClient } from './adapters/channel-owner-client.ts';
import { packagerEventSubscription } from './adapters/event-handler.ts';
import { FfmpegRemuxer } from './adapters/ffmpeg-remuxer.ts';
import { FfmpegSpriteMaker } from './adapters/ffmpeg-sprite-maker.ts';
import { probeInit } from './adapters/init-probe.ts';
import { LocalMediaStorage } from './adapters/local-media-storage.ts';
import { PgClipStore } from './adapters/pg-clip-store.ts';
import { PgVodStore } from './adapters/pg-vod-store.ts';
import { buildPackagerApp } from './app.ts';
import { Clips } from './domain/clips.ts';
import { MediaCatalog } from './domain/media-catalog.ts';
import { MediaReader } from './domain/media-reader.ts';
import { Vods } from './domain/vods.ts';
import { Finalizer } from './workers/finalizer.ts';
import { RetentionSweeper } from './workers/retention.ts';
import { StoryboardBuilder } from './workers/storyboard-builder.ts';

export const PackagerConfig = serviceConfig(['database', 'kafka'], {
  /** Shared media storage: the transcoder's `storage.root` (sessions/), plus vods/ and clips/. */
  'storage.root': Type.String({ default: '.phzzk/media', minLength: 1 }),
  'packager.ffmpeg-path': Type.String({ default: 'ffmpeg', minLength: 1 }),
  /** Consumer group for channel.events; every instance shares it (tests give each run its own). */
  'packager.consumer-group': Type.String({ default: 'packager', minLength: 1, maxLength: 128 }),
  /** Where a new consumer group starts (tests: latest, so as not to replay every past broadcast). */
  'packager.consumer.start-from': Type.Union([Type.Literal('earliest'), Type.Literal('latest')], {
    default: 'earliest',
  }),
  /** How often ended broadcasts are looked for (also right after a stream.ended). */
  'packager.finalize.interval-ms': Type.Integer({ default: 250, minimum: 20, maximum: 60_000 }),
  /** Without the transcoder's completion mark, the media is complete after this long without change. */
  'packager.finalize.settle-ms': Type.Integer({ default: 5000, minimum: 100, maximum: 600_000 }),
  'packager.storyboard.interval-ms': Type.Integer({ default: 10_000, minimum: 100, maximum: 600_000 }),
  'packager.storyboard.lease-ms': Type.Integer({ default: 60_000, minimum: 1000, maximum: 3_600_000 }),
  /** While live, the growing sheet is redrawn once this many tiles are new (bounds the CPU). */
  'packager.storyboard.min-new-tiles': Type.Integer({ default: 15, minimum: 1, maximum: 121 }),
  /** VODs are deleted this many days after they ended; 0 keeps them forever. */
  'packager.retention-days': Type.Number({ default: 0, minimum: 0, maximum: 36_500 }),
  'packager.retention.interval-ms': Type.Integer({ default: 3_600_000, minimum: 1000 }),
  /** Budget for asking the channel service who owns a channel. */
  'packager.channel-timeout-ms': Type.Integer({ default: 2000, minimum: 50, maximum: 60_000 }),
});

const migrationsDir = fileURLToPath(new URL('../migrations/', import.meta.url));

export const packagerService = defineService('packager', PackagerConfig, async (ctx, config) => {
  const { logger } = ctx;

  const { db, schema } = await openDatabase(ctx, {
    defaultSchema: 'packager_service',
    migrationsDir,
    kitTables: ['outbox'],
  });
  const producer = openProducer(ctx);
  const relay = startOutbox(ctx, { db, producer, schema, topic: Topics.vodEvents });

  const storage = new LocalMediaStorage(config['storage.root']);
  const reader = new MediaReader(storage, probeInit);
  const vodStore = new PgVodStore(db);
  const clipStore = new PgClipStore(db);
  const owners = new ChannelOwnerClient({
    db,
    discovery: ctx.discovery,
    timeoutMs: () => ctx.config.get('packager.channel-timeout-ms'),
  });
  const ffmpegPath = config['packager.ffmpeg-path'];
  const sprites = new FfmpegSpriteMaker({ storage, ffmpegPath });
  const now = () => new Date();

  const vods = new Vods({ store: vodStore, owners, storage, reader, now, onEvent: () => relay.kick() });
  const clips = new Clips({
    clips: clipStore,
    vods: vodStore,
    storage,
    reader,
    remuxer: new FfmpegRemuxer({ storage, ffmpegPath }),
    newId: uuidv7,
    now,
  });
  const catalog = new MediaCatalog({ vods: vodStore, clips: clipStore, reader });

  const finalizer = new Finalizer({
    store: vodStore,
    storage,
    reader,
    logger,
    settleMs: () => ctx.config.get('packager.finalize.settle-ms'),
    intervalMs: config['packager.finalize.interval-ms'],
    onFinalized: () => {
      relay.kick();
      void storyboards.kick();
    },
  });
  const storyboards = new StoryboardBuilder({
    store: vodStore,
    storage,
    reader,
    sprites,
    logger,
    worker: ctx.identity.instanceId,
    intervalMs: config['packager.storyboard.interval-ms'],
    leaseMs: config['packager.storyboard.lease-ms'],
    minNewTiles: config['packager.storyboard.min-new-tiles'],
  });
  const retention = new RetentionSweeper({
    store: vodStore,
    vods,
    logger,
    retentionDays: () => ctx.config.get('packager.retention-days'),
    intervalMs: config['packager.retention.interval-ms'],
  });

  startConsumer(ctx, {
    groupId: config['packager.consumer-group'],
    subscriptions: [
      packagerEventSubscription({
        db,
        channelInfo: (channelId) => owners.info(channelId),
        newId: uuidv7,
        logger,
        onEnded: () => finalizer.kick(),
      }),
    ],
    producer,
    startFrom: config['packager.consumer.start-from'],
  });
  finalizer.start();
  storyboards.start();
  retention.start();
  ctx.lifecycle.onClose('workers', async () => {
    retention.stop();
    await Promise.all([finalizer.stop(), storyboards.stop()]);
  });

  new Counter({
    name: 'packager_storyboard_cpu_seconds_total',
    help: 'ffmpeg CPU (user + system) spent drawing storyboard sheets',
    registers: [ctx.metrics],
    collect() {
      this.reset();
      this.inc(sprites.cpuSeconds);
    },
  });
  new Gauge({
    name: 'packager_storyboard_sheets_total',
    help: 'Storyboard sheets drawn by this instance',
    registers: [ctx.metrics],
    collect() {
      this.set(sprites.sheets);
    },
  });

  return buildPackagerApp({ app: ctx.createApp({ bodyLimit: 16 * 1024 }), vods, clips, catalog, storage });
});
