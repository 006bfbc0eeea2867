// Failure handling with real processes: ffmpeg killed -9, the source dropping, an instance killed
// -9 (its lease expires and another instance continues the numbering), and a graceful handover.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { internalCallHeaders, type RunningService } from '@phzzk/kit';
import { waitFor } from '@phzzk/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TranscoderConfig } from '../src/service.ts';
import { LiveSourceServer } from '@phzzk/testing';
import { lastPart, type Playlist, readPlaylist } from './support/playlist.ts';
import { newChannelId, transcoderCluster } from './support/transcoder.ts';

type StreamInfo = { channelId: string; phase: string; ffmpegPid: number | null; ffmpegRestarts: number };

async function streamsOf(url: string): Promise<StreamInfo[]> {
  return (
    (await (
      await fetch(`${url}/internal/streams`, { headers: internalCallHeaders('GET', '/internal/streams') })
    ).json()) as { streams: StreamInfo[] }
  ).streams;
}

async function playlist(url: string, channelId: string, rendition: string, query = ''): Promise<Playlist> {
  const response = await fetch(`${url}/hls/${channelId}/${rendition}/playlist.m3u8${query}`, {
    signal: AbortSignal.timeout(10_000),
  });
  if (response.status !== 200) throw new Error(`playlist answered ${response.status}`);
  return readPlaylist(await response.text());
}

/** The stream's multivariant playlist, once the transcoder serves it. */
function masterOf(url: string, channelId: string): Promise<string> {
  return waitFor(
    async () => {
      const r = await fetch(`${url}/hls/${channelId}/master.m3u8`);
      return r.status === 200 ? r.text() : undefined;
    },
    { what: 'the master playlist' },
  );
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('transcoder resilience', () => {
  let cluster: Awaited<ReturnType<typeof transcoderCluster>>;
  let source: LiveSourceServer;

  beforeAll(async () => {
    source = await LiveSourceServer.start();
    // A source that stays away ends its session after 4 s here (60 s by default).
    cluster = await transcoderCluster(source.url, { TRANSCODER_SOURCE_GIVE_UP_AFTER_MS: '4000' });
  });

  afterAll(async () => {
    await source?.stop();
    await cluster?.close();
  });

  describe('one instance', () => {
    let instance: RunningService<typeof TranscoderConfig>;
    beforeAll(async () => {
      instance = await cluster.start();
    });
    afterAll(async () => {
      await instance?.stop();
    });

    it('restarts ffmpeg killed -9 and after a source drop; playlists continue after a discontinuity', async () => {
      const channelId = newChannelId();
      const started = await cluster.publishStarted(channelId, source.sourceUrl('restart'));
      const before = await waitFor(
        async () => {
          const pl = await playlist(instance.url, channelId, '160p');
          return pl.segments.some((s) => s.uri) ? pl : undefined;
        },
        { what: 'a first segment' },
      );
      expect(before.segments[0]!.map).toBe('init-0.mp4');
      const ffmpegPid = (await streamsOf(instance.url))[0]?.ffmpegPid;
      expect(ffmpegPid).toBeGreaterThan(0);

      process.kill(ffmpegPid!, 'SIGKILL');
      const afterKill = await waitFor(
        async () => {
          const pl = await playlist(instance.url, channelId, 'source');
          const i = pl.segments.findIndex((s) => s.discontinuity);
          return i > 0 && pl.segments[i]!.map === 'init-1.mp4' && pl.segments.slice(i).some((s) => s.parts.length > 1)
            ? pl
            : undefined;
        },
        { timeoutMs: 15_000, what: 'a discontinuity and parts from the new ffmpeg' },
      );
      expect(afterKill.mediaSequence).toBe(before.mediaSequence);
      const [info] = await streamsOf(instance.url);
      expect(info!.ffmpegRestarts).toBe(1);
      expect(info!.ffmpegPid).not.toBe(ffmpegPid);
      expect(alive(ffmpegPid!)).toBe(false);

      // The ingest node drops the connection while the session is live: reconnect, new timeline.
      const connections = source.connections;
      source.dropAll();
      await waitFor(
        async () => (await playlist(instance.url, channelId, '160p')).text.includes('#EXT-X-MAP:URI="init-2.mp4"'),
        { timeoutMs: 15_000, what: 'a reconnect to the source' },
      );
      expect(source.connections).toBeGreaterThan(connections);
      const metrics = await (await fetch(`${instance.url}/metrics`)).text();
      expect(metrics).toMatch(/transcoder_ffmpeg_restarts_total\{[^}]*\} 2/);

      await cluster.publishEnded(channelId, started.sessionId);
      await waitFor(async () => (await playlist(instance.url, channelId, 'source')).endList, { what: 'ENDLIST' });
      const vod = join(cluster.storageRoot, 'sessions', started.sessionId, 'source', 'playlist.m3u8');
      await waitFor(() => existsSync(vod), { what: 'the VOD playlist' });
      const text = readFileSync(vod, 'utf8');
      expect(text.match(/#EXT-X-DISCONTINUITY\n/g)).toHaveLength(2);
      expect(text).toContain('#EXT-X-MAP:URI="init-2.mp4"');
    });

    it('packages an audio-only stream as one audio rendition', async () => {
      const channelId = newChannelId();
      const started = await cluster.publishStarted(channelId, source.sourceUrl('radio', { video: false }), {
        video: false,
      });
      const master = await masterOf(instance.url, channelId);
      expect(master).toMatch(
        /#EXT-X-STREAM-INF:BANDWIDTH=[1-9]\d+,AVERAGE-BANDWIDTH=\d+,CODECS="mp4a\.40\.2"\naudio\/playlist\.m3u8/,
      );
      const pl = await playlist(instance.url, channelId, 'audio');
      expect(pl.text).toMatch(/#EXT-X-PART:DURATION=0\.1\d+,URI="part-\d+\.0\.m4s",INDEPENDENT=YES/);
      await cluster.publishEnded(channelId, started.sessionId);
      await waitFor(async () => (await playlist(instance.url, channelId, 'audio')).endList, { what: 'ENDLIST' });
    });

    it('packages a video-only stream without audio', async () => {
      const channelId = newChannelId();
      const started = await cluster.publishStarted(channelId, source.sourceUrl('silent', { audio: false }), {
        audio: false,
      });
      const master = await masterOf(instance.url, channelId);
      expect(master).toMatch(/CODECS="avc1\.[0-9A-F]{6}",RESOLUTION=640x360,.*\nsource\/playlist\.m3u8/);
      expect(master).toMatch(/CODECS="avc1\.[0-9A-F]{6}",RESOLUTION=284x160,.*\n160p\/playlist\.m3u8/);
      expect(master).not.toContain('mp4a');
      await cluster.publishEnded(channelId, started.sessionId);
    });

    it('answers 503 while a stream has no media yet, and ends a session whose source never comes back', async () => {
      const channelId = newChannelId();
      source.gone.add('vanished');
      const started = await cluster.publishStarted(channelId, source.sourceUrl('vanished'));
      await waitFor(async () => (await cluster.redis.get(cluster.holderKey(channelId))) !== null, { what: 'a holder' });
      // Blocked for three target durations, then 503 (RFC 8216bis 6.2.5.2), never cached.
      const t0 = performance.now();
      const response = await fetch(`${instance.url}/hls/${channelId}/master.m3u8`);
      expect(response.status).toBe(503);
      expect(performance.now() - t0).toBeGreaterThan(2500);
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(response.headers.get('retry-after')).toBe('1');
      expect(((await response.json()) as { code: string }).code).toBe('HLS_NOT_READY');
      // Given up after 4 s without a source: removed from the live sessions, playlists ended.
      await waitFor(async () => (await cluster.redis.hget(cluster.sessionsKey, channelId)) === null, {
        timeoutMs: 15_000,
        what: 'the session to be given up',
      });
      expect(await cluster.redis.exists(`${cluster.prefix}ended:${started.sessionId}`)).toBe(1);
      await waitFor(
        async () => (await streamsOf(instance.url)).some((s) => s.channelId === channelId && s.phase === 'ended'),
        {
          what: 'the stream to be finished',
        },
      );
    });
  });

  describe('instances', () => {
    it('a second instance takes the session over within ~3-4 s when the holder dies, continuing the numbering', async () => {
      const first = await cluster.startProcess();
      const channelId = newChannelId();
      const started = await cluster.publishStarted(channelId, source.sourceUrl('takeover'));
      await waitFor(async () => (await cluster.redis.get(cluster.holderKey(channelId))) === first.instanceId, {
        what: 'the first instance to hold the session',
      });
      const seen = await waitFor(
        async () => {
          const pl = await playlist(first.url, channelId, 'source');
          return pl.segments.filter((s) => s.uri).length >= 2 ? pl : undefined;
        },
        { what: 'segments from the first instance' },
      );
      const [oldFfmpeg] = await streamsOf(first.url);
      const second = await cluster.start();
      try {
        // Death without cleanup: no lease release, no ENDLIST.
        const latest = await playlist(first.url, channelId, 'source');
        const killedAt = performance.now();
        process.kill(first.pid, 'SIGKILL');
        await waitFor(
          async () => (await cluster.redis.get(cluster.holderKey(channelId))) === second.context.identity.instanceId,
          { timeoutMs: 6000, intervalMs: 20, what: 'the second instance to claim the session' },
        );
        const claimedAfter = performance.now() - killedAt;
        // A player continues where it was: a blocking request for the next part it expected.
        const [msn, part] = lastPart(latest)!;
        // (It may be answered 503 while the successor's ffmpeg starts: players retry, so do we.)
        const resumed = await waitFor(
          () => playlist(second.url, channelId, 'source', `?_HLS_msn=${msn}&_HLS_part=${part + 1}`),
          { timeoutMs: 15_000, what: 'the successor to serve the next part' },
        );
        const servingAfter = performance.now() - killedAt;
        console.log(
          `takeover: lease claimed ${claimedAfter.toFixed(0)} ms after kill -9, first part served ${servingAfter.toFixed(0)} ms after`,
        );
        expect(claimedAfter).toBeLessThan(4500);

        expect(resumed.endList).toBe(false);
        expect(resumed.mediaSequence).toBeGreaterThan(lastPart(latest)![0]);
        expect(resumed.mediaSequence).toBeGreaterThan(seen.mediaSequence);
        expect(resumed.discontinuitySequence).toBe(latest.discontinuitySequence + 1);
        expect(resumed.segments[0]!.map).toMatch(/^init-[1-9]\d*\.mp4$/);
        const init = await fetch(`${second.url}/hls/${channelId}/source/${resumed.segments[0]!.map}`);
        expect(init.status).toBe(200);

        // The dead instance's ffmpeg does not outlive it (its stdin and output pipes are gone).
        if (oldFfmpeg?.ffmpegPid) {
          const pid = oldFfmpeg.ffmpegPid;
          await waitFor(() => !alive(pid), { timeoutMs: 5000, what: 'the orphaned ffmpeg to exit' }).catch(() => {
            process.kill(pid, 'SIGKILL');
          });
        }

        // Graceful handover: a stopping instance releases its lease, a third one continues at once.
        const third = await cluster.start();
        const stoppedAt = performance.now();
        await second.stop();
        await waitFor(
          async () => (await cluster.redis.get(cluster.holderKey(channelId))) === third.context.identity.instanceId,
          { timeoutMs: 3000, intervalMs: 20, what: 'the third instance to claim the released session' },
        );
        console.log(`graceful handover: claimed ${(performance.now() - stoppedAt).toFixed(0)} ms after stop began`);
        const handedOver = await playlist(third.url, channelId, '160p', `?_HLS_msn=${resumed.mediaSequence + 2}`);
        expect(handedOver.discontinuitySequence).toBeGreaterThan(resumed.discontinuitySequence);

        await cluster.publishEnded(channelId, started.sessionId);
        await waitFor(async () => (await playlist(third.url, channelId, 'source')).endList, { what: 'ENDLIST' });
        // The VOD spans all three instances' segments, one timeline break per takeover.
        const vod = join(cluster.storageRoot, 'sessions', started.sessionId, 'source', 'playlist.m3u8');
        await waitFor(() => existsSync(vod), { what: 'the VOD playlist' });
        const text = readFileSync(vod, 'utf8');
        expect(text).toContain(`seg-${seen.mediaSequence}.m4s`);
        expect(text.match(/#EXT-X-DISCONTINUITY\n/g)?.length).toBeGreaterThanOrEqual(2);
        await third.stop();
      } finally {
        await second.stop();
      }
    });
  });
});
