// Protocol behaviour through a scripted client: control messages, commands, authorization
// ordering, Enhanced RTMP media, lifecycle.
import { writeFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { encodeAmf0 } from '../flv/amf0.ts';
import { parseHevcDecoderConfigurationRecord } from '../flv/codec/hevc.ts';
import type { FlvTag } from '../flv/tag.ts';
import {
  MessageType,
  UserControlEvent,
  userControlMessage,
  windowAckSizeMessage,
  setPeerBandwidthMessage,
} from './messages.ts';
import { av1Tags, hevcAnnexBFromTags, hevcTags, vp9Tags } from './test-support/enhanced-fixtures.ts';
import { avArgs, FixtureDir } from './test-support/fixtures.ts';
import { type Harness, startHarness } from './test-support/harness.ts';
import { probe } from './test-support/process.ts';
import { TestRtmpClient } from './test-support/rtmp-client.ts';
import { until, withDeadline } from './test-support/wait.ts';
import type { AuthorizeResult, PublishRequest } from './types.ts';
import { parseFlv } from '../flv/reader.ts';

const AVC_SEQ = Buffer.from(
  '17000000000142c01effe100196742c01eda0280bfe5c044000003000400000300f23c58ba8001000468ce0fc8',
  'hex',
);
const AAC_SEQ = Buffer.from('af001188', 'hex');
const keyframe = (n: number) => Buffer.from([0x17, 0x01, 0, 0, 0, 0, 0, 0, 1, n]);
const interframe = (n: number) => Buffer.from([0x27, 0x01, 0, 0, 0, 0, 0, 0, 1, n]);

let harness: Harness | undefined;
const clients: TestRtmpClient[] = [];
async function open(options?: Parameters<typeof TestRtmpClient.open>[1]): Promise<TestRtmpClient> {
  const client = await TestRtmpClient.open(harness!.port, options);
  clients.push(client);
  return client;
}

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await harness?.close();
  harness = undefined;
});

describe('connection setup', () => {
  it('completes the complex handshake and answers connect like FMS (§7.2.1.1)', async () => {
    harness = await startHarness();
    const client = await open({ complex: true });
    expect(client.serverDigestValid).toBe(true);
    expect(client.serverS2Valid).toBe(true);
    const result = await client.connectApp('live', { objectEncoding: 0, fourCcList: ['hvc1', 'av01'] });
    const types = client.received.map((m) => m.typeId);
    expect(types.slice(0, 5)).toEqual([
      MessageType.WindowAckSize,
      MessageType.SetPeerBandwidth,
      MessageType.UserControl,
      MessageType.SetChunkSize,
      MessageType.CommandAmf0,
    ]);
    expect(client.received[0]!.payload.readUInt32BE(0)).toBe(2_500_000);
    expect(client.received[1]!.payload.toString('hex')).toBe('002625a002'); // dynamic limit
    expect(client.received[3]!.payload.readUInt32BE(0)).toBe(4096);
    expect(client.reader.chunkSize).toBe(4096);
    expect(result.command).toMatchObject({
      name: '_result',
      commandObject: { fmsVer: expect.any(String), capabilities: 31, fourCcList: ['hvc1', 'av01'] },
      args: [{ level: 'status', code: 'NetConnection.Connect.Success', objectEncoding: 0 }],
    });
  });

  it('accepts AMF3-wrapped commands (type 17) from objectEncoding 3 clients', async () => {
    harness = await startHarness();
    const client = await open();
    const result = await client.connectApp('live', { objectEncoding: 3 }, MessageType.CommandAmf3);
    expect(result.command?.args[0]).toMatchObject({ code: 'NetConnection.Connect.Success', objectEncoding: 3 });
    client.command('createStream', 7, null, [], 0, MessageType.CommandAmf3);
    const created = await client.waitFor((m) => m.command?.transactionId === 7);
    const streamId = created.command!.args[0] as number;
    client.command('publish', 0, null, ['amf3key', 'live'], streamId, MessageType.CommandAmf3);
    await client.waitFor((m) => m.command?.name === 'onStatus');
    expect(harness.authorizeCalls[0]?.streamKey).toBe('amf3key');
  });

  it('acknowledges per the peer window, answers pings and Set Peer Bandwidth (§5.4.3-5, §7.1.7)', async () => {
    harness = await startHarness();
    const client = await open();
    const { streamId } = await client.startPublish('live', 'acks');
    client.send(windowAckSizeMessage(10_000));
    client.send(userControlMessage(UserControlEvent.PingRequest, 123456));
    const pong = await client.waitFor(
      (m) => m.typeId === MessageType.UserControl && m.payload.readUInt16BE(0) === UserControlEvent.PingResponse,
    );
    expect(pong.payload.readUInt32BE(2)).toBe(123456);
    for (let i = 0; i < 30; i++)
      client.sendTag(streamId, {
        type: 'video',
        timestamp: i * 33,
        data: Buffer.concat([interframe(i), Buffer.alloc(1000)]),
      });
    const ack = await client.waitFor((m) => m.typeId === MessageType.Acknowledgement);
    const sequence = ack.payload.readUInt32BE(0);
    expect(sequence).toBeGreaterThanOrEqual(10_000);
    expect(sequence).toBeLessThanOrEqual(client.socket.bytesWritten);
    client.send(setPeerBandwidthMessage(1_000_000, 2));
    const window = await client.waitFor(
      (m) => m.typeId === MessageType.WindowAckSize && m.payload.readUInt32BE(0) === 1_000_000,
    );
    expect(window).toBeDefined();
  });
});

describe('publish authorization', () => {
  it('holds back media sent right behind publish until authorize allows it', async () => {
    let allow!: (result: AuthorizeResult<unknown>) => void;
    harness = await startHarness({ authorize: () => new Promise((resolve) => (allow = resolve)) });
    const client = await open();
    await client.connectApp('live');
    const streamId = await client.createStream();
    client.command('publish', 0, null, ['held?x=1', 'live'], streamId);
    // An eager encoder: metadata and media without waiting for NetStream.Publish.Start.
    client.sendTag(streamId, { type: 'script', timestamp: 0, data: encodeAmf0('onMetaData', { width: 640 }) });
    client.sendTag(streamId, { type: 'video', timestamp: 0, data: AVC_SEQ });
    client.sendTag(streamId, { type: 'video', timestamp: 0, data: keyframe(1) });
    await until(() => harness!.authorizeCalls.length === 1, 5_000, 'authorize called');
    expect(harness.authorizeCalls[0]).toMatchObject({ streamKey: 'held', query: 'x=1' });
    expect(harness.recordings).toEqual([]);
    allow({ allow: true, context: 'ok' });
    const rec = await harness.publish();
    await until(() => rec.tags.length === 3, 5_000, 'held tags delivered after authorization');
    expect(rec.tags.map((t) => t.type)).toEqual(['script', 'video', 'video']);
    expect(rec.session.metadata).toEqual({ width: 640 });
    expect(rec.session.codecs.video).toMatchObject({ codec: 'avc', width: 640, height: 360 });
  });

  it('rejects with NetStream.Publish.Rejected (level error), closes cleanly, delivers nothing', async () => {
    harness = await startHarness({
      authorize: () => ({ allow: false, code: 'Rejected', description: 'channel suspended' }),
    });
    const client = await open();
    await client.connectApp('live');
    const streamId = await client.createStream();
    client.command('publish', 0, null, ['k', 'live'], streamId);
    client.sendTag(streamId, { type: 'video', timestamp: 0, data: keyframe(1) });
    const status = await client.waitFor((m) => m.command?.name === 'onStatus');
    expect(status.command?.args[0]).toEqual({
      level: 'error',
      code: 'NetStream.Publish.Rejected',
      description: 'channel suspended',
    });
    await client.waitClosed();
    expect(harness.recordings).toEqual([]);
  });

  it('treats a throwing authorize as Rejected, and refuses empty names without asking', async () => {
    harness = await startHarness({
      authorize: () => {
        throw new Error('channel service down');
      },
    });
    const a = await open();
    const { code } = await a.startPublish('live', 'k');
    expect(code).toBe('NetStream.Publish.Rejected');
    expect(harness.logs.some((l) => l.level === 'error' && l.msg?.includes('authorize failed'))).toBe(true);
    const b = await open();
    expect((await b.startPublish('live', '?only=query')).code).toBe('NetStream.Publish.BadName');
    expect(harness.authorizeCalls).toHaveLength(1);
  });

  it('aborts the authorize signal when the publisher leaves first', async () => {
    let seen: { request: PublishRequest; signal: AbortSignal } | undefined;
    let allow!: (result: AuthorizeResult<unknown>) => void;
    harness = await startHarness({
      authorize: (request, { signal }) => {
        seen = { request, signal };
        return new Promise((resolve) => (allow = resolve));
      },
    });
    const client = await open();
    await client.connectApp('live');
    const streamId = await client.createStream();
    client.command('publish', 0, null, ['gone', 'live'], streamId);
    await until(() => seen !== undefined, 5_000, 'authorize called');
    client.close();
    await until(() => seen!.signal.aborted, 5_000, 'signal aborted');
    allow({ allow: true, context: null });
    await until(() => harness!.server.connectionCount === 0, 5_000, 'connection gone');
    expect(harness.recordings).toEqual([]);
  });

  it('refuses publish on a stream that was not created, and a second publish on one connection', async () => {
    harness = await startHarness();
    const client = await open();
    await client.connectApp('live');
    expect(await client.publish(5, 'k')).toBe('NetStream.Publish.BadName');
    const other = await open();
    const { streamId } = await other.startPublish('live', 'one');
    expect(await other.publish(streamId, 'two')).toBe('NetStream.Publish.BadName');
  });
});

describe('session lifecycle', () => {
  it('ends with unpublish on deleteStream, and the connection may publish again', async () => {
    harness = await startHarness();
    const client = await open();
    const { streamId } = await client.startPublish('live', 'first');
    const first = await harness.publish(0);
    client.command('FCUnpublish', 0, null, ['first']);
    client.command('deleteStream', 0, null, [streamId]);
    expect(await withDeadline(first.ended, 5_000, 'end')).toEqual({ reason: 'unpublish' });
    const again = await client.createStream();
    expect(await client.publish(again, 'second')).toBe('NetStream.Publish.Start');
    const second = await harness.publish(1);
    expect(second.session.streamKey).toBe('second');
    expect(harness.server.sessions().map((s) => s.streamKey)).toEqual(['second']);
  });

  it('ends every session with shutdown on close() and closes the sockets', async () => {
    harness = await startHarness();
    const a = await open();
    const b = await open();
    await a.startPublish('live', 'a');
    await b.startPublish('live', 'b');
    const [ra, rb] = [await harness.publish(0), await harness.publish(1)];
    await withDeadline(harness.close(), 5_000, 'server close');
    expect(await ra.ended).toEqual({ reason: 'shutdown' });
    expect(await rb.ended).toEqual({ reason: 'shutdown' });
    await a.waitClosed();
    await b.waitClosed();
    harness = undefined;
  });

  it('unwraps 32-bit timestamps, splits aggregates, keeps headers for late readers, iterates tags', async () => {
    harness = await startHarness();
    const client = await open();
    const { streamId } = await client.startPublish('live', 'clock');
    const rec = await harness.publish();
    const iterator = rec.session.tags();
    const near = 2 ** 32 - 50;
    client.sendTag(streamId, { type: 'video', timestamp: near, data: AVC_SEQ });
    client.sendTag(streamId, { type: 'audio', timestamp: near, data: AAC_SEQ });
    client.sendTag(streamId, { type: 'video', timestamp: near, data: keyframe(1) });
    client.sendTag(streamId, { type: 'video', timestamp: 2 ** 32 - 17, data: interframe(2) });
    client.sendTag(streamId, { type: 'video', timestamp: 16, data: interframe(3) }); // wrapped
    // Aggregate (§7.1.6): two audio sub-messages; times relative to the first.
    const sub = (ts: number, body: Buffer) => {
      const h = Buffer.alloc(11);
      h[0] = 8;
      h.writeUIntBE(body.length, 1, 3);
      h.writeUIntBE(ts, 4, 3);
      const back = Buffer.alloc(4);
      back.writeUInt32BE(11 + body.length);
      return Buffer.concat([h, body, back]);
    };
    const aggregate = Buffer.concat([sub(1000, Buffer.of(0xaf, 1, 1)), sub(1021, Buffer.of(0xaf, 1, 2))]);
    client.send({ csid: 7, typeId: MessageType.Aggregate, streamId, timestamp: 40, payload: aggregate });
    await until(() => rec.tags.length === 7, 5_000, 'tags');
    expect(rec.tags.map((t) => t.timestamp - near)).toEqual([0, 0, 0, 33, 66, 90, 111]);
    expect(rec.session.videoSequenceHeader?.data.equals(AVC_SEQ)).toBe(true);
    expect(rec.session.audioSequenceHeader?.data.equals(AAC_SEQ)).toBe(true);
    expect(rec.session.stats).toMatchObject({ videoTags: 4, audioTags: 3, keyframes: 1 });
    const first = await iterator.next();
    expect(first.value?.isSequenceHeader).toBe(true);
    client.close();
    await rec.ended;
    let count = 1;
    for await (const _ of iterator) count++;
    expect(count).toBe(7);
  });

  it('isolates listener errors and refuses playback', async () => {
    harness = await startHarness();
    harness.server.on('publish', (session) =>
      session.on('tag', () => {
        throw new Error('consumer bug');
      }),
    );
    const client = await open();
    const { streamId } = await client.startPublish('live', 'robust');
    const rec = await harness.publish();
    client.sendTag(streamId, { type: 'video', timestamp: 0, data: keyframe(1) });
    client.sendTag(streamId, { type: 'video', timestamp: 33, data: interframe(2) });
    await until(() => rec.tags.length === 2, 5_000, 'tags despite a throwing listener');
    expect(rec.session.ended).toBe(false);
    expect(harness.logs.filter((l) => l.msg === 'publish session listener threw')).toHaveLength(2);

    const player = await open();
    await player.connectApp('live');
    const sid = await player.createStream();
    player.command('play', 0, null, ['robust'], sid);
    const status = await player.waitFor((m) => m.command?.name === 'onStatus');
    expect(status.command?.args[0]).toMatchObject({ level: 'error', code: 'NetStream.Play.Failed' });
    await player.waitClosed();
  });
});

describe('Enhanced RTMP video (real x265 / SVT-AV1 / libvpx bitstreams)', () => {
  const dir = new FixtureDir();
  let hevc: FlvTag[];
  let av1: FlvTag[];
  let vp9: FlvTag[];
  beforeAll(async () => {
    [hevc, av1, vp9] = [await hevcTags(dir), await av1Tags(dir), await vp9Tags(dir)];
  });
  afterAll(() => dir.remove());

  it('hvc1: sequence start, coded frames with and without CTS, key frames; the frames decode', async () => {
    harness = await startHarness();
    const client = await open();
    const { streamId } = await client.startPublish('live', 'hevc');
    const rec = await harness.publish();
    for (const tag of hevc) client.sendTag(streamId, tag);
    await until(() => rec.tags.length === hevc.length, 5_000, 'hevc tags');
    expect(rec.session.codecs.video).toMatchObject({
      codec: 'hevc',
      width: 320,
      height: 180,
      codecString: expect.stringMatching(/^hvc1\.1\.6\.L/),
    });
    expect(rec.tags[0]).toMatchObject({ isSequenceHeader: true, keyframe: false });
    expect(rec.tags.filter((t) => t.keyframe).map((t) => t.timestamp)).toEqual([0, 500]); // keyint=15 at 30 fps
    expect(rec.session.hasVideo).toBe(true);

    const record = parseHevcDecoderConfigurationRecord(rec.tags[0]!.data.subarray(5));
    const nals = [32, 33, 34].flatMap((t) => record.nalUnits.get(t) ?? []).map((n) => Buffer.from(n));
    const file = dir.file('roundtrip.hevc');
    writeFileSync(file, hevcAnnexBFromTags(rec.tags, nals));
    const [stream] = await probe(file);
    expect(stream).toMatchObject({ codec_name: 'hevc', width: 320, height: 180, nb_read_frames: '30' });
  });

  it('av01 and vp09: codec info from the configuration record / key frame, key frame flags', async () => {
    harness = await startHarness();
    for (const [name, tags, codec] of [
      ['av1', av1, 'av1'],
      ['vp9', vp9, 'vp9'],
    ] as const) {
      const client = await open();
      const { streamId } = await client.startPublish('live', name);
      const rec = await harness.publish(name === 'av1' ? 0 : 1);
      for (const tag of tags) client.sendTag(streamId, tag);
      await until(() => rec.tags.length === tags.length, 5_000, `${name} tags`);
      expect(rec.session.codecs.video).toMatchObject({ codec, width: 320, height: 180 });
      expect(rec.tags.filter((t) => t.keyframe).map((t) => t.timestamp)).toEqual([0, 167]); // -g 5
    }
  });
});

describe('a replayed ffmpeg FLV over odd chunk sizes', () => {
  const dir = new FixtureDir();
  afterAll(() => dir.remove());

  it.each([1, 7, 128, 60_000])('chunk size %i delivers every tag intact', async (chunkSize) => {
    const flv = await dir.ffmpeg(`replay-${chunkSize}.flv`, avArgs({ seconds: 1 }));
    const source = parseFlv(flv).tags;
    harness = await startHarness();
    const client = await open();
    const { streamId } = await client.startPublish('live', 'replay');
    const rec = await harness.publish();
    client.setChunkSize(chunkSize);
    for (const tag of source) client.sendTag(streamId, tag);
    await until(() => rec.tags.length === source.length, 10_000, 'all tags');
    expect(rec.tags.map((t) => [t.type, t.timestamp, t.data.toString('base64')])).toEqual(
      source.map((t) => [t.type, t.timestamp, t.data.toString('base64')]),
    );
  });
});
