import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { identityHeaders } from '@phzzk/kit';
import { waitFor } from '@phzzk/testing';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './support/packager.ts';
import { encodeRun, SessionWriter } from './support/session-media.ts';

/** Retention: a VOD older than `packager.retention-days` is deleted with its files; clips stay. */
describe('packager: retention', () => {
  let h: Harness;

  beforeAll(async () => {
    // About 2.6 s of retention, swept every second.
    h = await startHarness({ env: { PACKAGER_RETENTION_DAYS: '0.00003', PACKAGER_RETENTION_INTERVAL_MS: '1000' } });
  }, 60_000);

  afterAll(async () => {
    await h?.stop();
  }, 30_000);

  it('deletes an expired VOD and its media, publishes vod.deleted, keeps its clip', async () => {
    const channelId = uuidv7();
    const sessionId = uuidv7();
    const writer = new SessionWriter(h.root, sessionId);
    const media = await encodeRun(8);
    await h.streamStarted(channelId, sessionId);
    const { id } = await h.vodOf(channelId, sessionId);
    await writer.append(media);
    await writer.finish(await (await fetch(`${h.url}/vod/${id}/master.m3u8`)).text());
    await h.streamEnded(channelId, sessionId);
    await waitFor(async () => (await h.api.get<{ status: string }>(`/api/vods/${id}`)).body.status === 'ready', {
      what: 'ready',
    });
    const viewer = identityHeaders({ userId: uuidv7() });
    const clip = await h.api.post<{ id: string; playlistUrl: string }>(
      '/api/clips',
      { vodId: id, startSeconds: 0, durationSeconds: 5 },
      viewer,
    );
    expect(clip.status).toBe(201);

    await h.probe.waitFor(
      (m) => m.event?.type === 'vod.deleted' && (m.event.data as { vodId: string }).vodId === id,
      20_000,
    );
    expect((await h.api.get(`/api/vods/${id}`)).status).toBe(404);
    expect(existsSync(join(writer.dir, 'hi', 'seg-0.m4s'))).toBe(false);
    expect((await fetch(`${h.url}${clip.body.playlistUrl}`)).status).toBe(200);
  }, 180_000);
});
