import { DEVELOPMENT_SERVICE_KEY, developmentServiceKeyPair, internalCallHeaders, signedHeaders } from '@phzzk/kit';
import { ApiClient } from '@phzzk/testing';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChannelHarness, startChannelService } from './support.ts';

type KeyBody = { streamKey: string; ingestUrl: string };
const AUTHORIZE = '/internal/stream-keys/authorize';

describe('channel service: stream keys (real PostgreSQL, Redis, Kafka)', () => {
  let h: ChannelHarness;

  beforeAll(async () => {
    h = await startChannelService();
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('shows the owner their key and ingest URL, never cacheable, and authorizes it for ingest', async () => {
    const { channel, headers } = await h.registerUser();
    const res = await h.api.get<KeyBody>('/api/channels/me/stream-key', headers);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body.ingestUrl).toBe('rtmp://localhost:1935/live');
    // 32 random bytes: 43 base64url characters after the channel part.
    expect(res.body.streamKey).toMatch(new RegExp(`^live_${channel.id.replaceAll('-', '')}_[A-Za-z0-9_-]{43}$`));

    const ok = await h.api.post(AUTHORIZE, { streamKey: res.body.streamKey });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ channelId: channel.id });
    expect(ok.headers.get('cache-control')).toBe('no-store');
  });

  it('stores only a digest and a sealed copy, never the key itself', async () => {
    const { channel, headers } = await h.registerUser();
    const { streamKey } = (await h.api.get<KeyBody>('/api/channels/me/stream-key', headers)).body;
    const { rows } = await h.db.query(`select * from ${h.schema.name}.stream_keys where channel_id = $1`, [channel.id]);
    expect(rows).toHaveLength(1);
    const stored = Buffer.concat([rows[0].key_digest, rows[0].key_sealed]);
    const secret = streamKey.split('_').slice(2).join('_');
    expect(stored.includes(Buffer.from(streamKey))).toBe(false);
    expect(stored.includes(Buffer.from(secret, 'base64url'))).toBe(false);
    expect(rows[0].key_digest).toHaveLength(32);
  });

  it('rotates: the old key stops working at once, the new one works, and ingest is told', async () => {
    const { channel, headers } = await h.registerUser();
    const old = (await h.api.get<KeyBody>('/api/channels/me/stream-key', headers)).body.streamKey;
    const rotated = await h.api.post<KeyBody>('/api/channels/me/stream-key/rotate', undefined, headers);
    expect(rotated.status).toBe(200);
    expect(rotated.headers.get('cache-control')).toBe('no-store');
    expect(rotated.body.streamKey).not.toBe(old);
    expect(rotated.body.ingestUrl).toBe('rtmp://localhost:1935/live');

    const refused = await h.api.post(AUTHORIZE, { streamKey: old });
    expect(refused.status).toBe(404);
    expect(refused.body).toMatchObject({ code: 'STREAM_KEY_UNKNOWN' });
    expect((await h.api.post(AUTHORIZE, { streamKey: rotated.body.streamKey })).body).toEqual({
      channelId: channel.id,
    });
    expect((await h.api.get<KeyBody>('/api/channels/me/stream-key', headers)).body.streamKey).toBe(
      rotated.body.streamKey,
    );

    const event = await h.probe.waitFor(
      (m) => m.event?.type === 'stream-key.rotated' && (m.event.data as { channelId: string }).channelId === channel.id,
    );
    expect(event.key).toBe(channel.id);
    expect(event.event).toMatchObject({
      producer: 'channel',
      data: { channelId: channel.id, rotatedAt: expect.any(String) },
    });
    expect(JSON.stringify(event.event)).not.toContain(rotated.body.streamKey);
  });

  it('ends a live session at rotation; the ingest node`s later stream.ended changes nothing', async () => {
    const { channel, headers } = await h.registerUser();
    const started = await h.streamStarted(channel.id);
    await h.waitForLive(channel.id, (l) => l.live, 'the channel to go live');

    await h.api.post('/api/channels/me/stream-key/rotate', undefined, headers);
    // At once, from the rotation itself (not from an event round trip).
    expect((await h.api.get(`/api/channels/${channel.id}/live`)).body).toMatchObject({ live: false });
    const directory = await h.api.get<{ items: { id: string }[] }>('/api/channels?live=true&limit=100');
    expect(directory.body.items.map((c) => c.id)).not.toContain(channel.id);

    const ended = await h.streamEnded(channel.id, started.data.sessionId);
    await h.processed(ended.id);
    const { rows } = await h.db.query(
      `select end_reason, ended_at is not null as ended from ${h.schema.name}.live_sessions where id = $1`,
      [started.data.sessionId],
    );
    expect(rows).toEqual([{ end_reason: 'key-rotated', ended: true }]);
    expect((await h.api.get(`/api/channels/${channel.id}/live`)).body).toMatchObject({ live: false });
  });

  it('answers unknown, rotated-away and malformed keys the same 404, and bad bodies 400', async () => {
    const { channel } = await h.registerUser();
    const notAKey = await h.api.post(AUTHORIZE, { streamKey: 'x' });
    const wrongSecret = await h.api.post(AUTHORIZE, {
      streamKey: `live_${channel.id.replaceAll('-', '')}_${'A'.repeat(43)}`,
    });
    const unknownChannel = await h.api.post(AUTHORIZE, {
      streamKey: `live_${uuidv7().replaceAll('-', '')}_${'A'.repeat(43)}`,
    });
    const answers = [notAKey, wrongSecret, unknownChannel].map((r) => {
      expect(r.status).toBe(404);
      const { requestId: _r, ...rest } = r.body as Record<string, unknown>;
      return rest;
    });
    expect(answers[0]).toMatchObject({ code: 'STREAM_KEY_UNKNOWN' });
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[2]).toEqual(answers[0]);

    const bad: unknown[] = [
      {},
      { streamKey: '' },
      { streamKey: 42 },
      { streamKey: null },
      { streamKey: 'x'.repeat(513) },
      { streamKey: 'x', channelId: channel.id },
      ['x'],
      '{"streamKey":',
    ];
    for (const body of bad) {
      const res = await h.api.post(AUTHORIZE, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect((res.body as { code: string }).code).toBe(
        typeof body === 'string' ? 'MALFORMED_BODY' : 'VALIDATION_FAILED',
      );
    }
    const noBody = await h.api.post(AUTHORIZE);
    expect(noBody.status).toBe(400);
  });
});

describe('channel service: configured ingest URL and internal credential', () => {
  let h: ChannelHarness;

  beforeAll(async () => {
    h = await startChannelService({ CHANNEL_INGEST_URL: 'rtmps://ingest.example.com/live' });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('shows the configured ingest URL and requires the ingest service credential on /internal', async () => {
    const { channel, headers } = await h.registerUser();
    const key = (await h.api.get<KeyBody>('/api/channels/me/stream-key', headers)).body;
    expect(key.ingestUrl).toBe('rtmps://ingest.example.com/live');
    const bare = new ApiClient(h.running.url);
    for (const given of [
      {},
      { 'x-phzzk-internal-token': 'wrong-token-0123456789' },
      { 'x-phzzk-service': 'ingest' },
      // Another service's key claiming to be ingest; the shared key vouching for a service.
      internalCallHeaders('POST', AUTHORIZE, {
        service: 'ingest',
        privateKey: developmentServiceKeyPair('chat').privateKey,
      }),
      signedHeaders(DEVELOPMENT_SERVICE_KEY, { service: 'ingest' }, { method: 'POST', path: AUTHORIZE }),
    ]) {
      const res = await bare.post(AUTHORIZE, { streamKey: key.streamKey }, given);
      expect(res.status).toBe(401);
    }
    const otherService = await bare.post(
      AUTHORIZE,
      { streamKey: key.streamKey },
      internalCallHeaders('POST', AUTHORIZE, { service: 'auth' }),
    );
    expect(otherService.status).toBe(403);
    const ok = await h.api.post(AUTHORIZE, { streamKey: key.streamKey });
    expect(ok.body).toEqual({ channelId: channel.id });
  });
});
