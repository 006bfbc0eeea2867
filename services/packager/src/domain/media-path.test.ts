import { describe, expect, it } from 'vitest';
import { parseMediaPath } from './media-path.ts';

const id = '01a24dfb-1154-759a-8502-c0238b455fbb';

describe('media paths', () => {
  it('names the resources of VODs and clips', () => {
    expect(parseMediaPath(`/vod/${id}/master.m3u8?x=1`)).toEqual({
      ok: true,
      resource: { kind: 'master', owner: { kind: 'vod', id } },
    });
    expect(parseMediaPath(`/vod/${id}/720p/playlist.m3u8`)).toMatchObject({
      ok: true,
      resource: { kind: 'playlist', rendition: '720p' },
    });
    expect(parseMediaPath(`/vod/${id}/720p/seg-12.m4s`)).toMatchObject({
      ok: true,
      resource: { kind: 'media', file: 'seg-12.m4s' },
    });
    expect(parseMediaPath(`/vod/${id}/storyboard/sheet-0-121.jpg`)).toMatchObject({
      ok: true,
      resource: { kind: 'storyboard-sheet' },
    });
    expect(parseMediaPath(`/vod/clips/${id}/clip.mp4`)).toMatchObject({
      ok: true,
      resource: { kind: 'mp4', owner: { kind: 'clip', id } },
    });
  });

  it('refuses tricks and ignores everything else', () => {
    for (const path of [
      `/vod/${id}/../x`,
      `/vod/${id}/720p/..%2Fmaster.m3u8`,
      `/vod/${id}/720p%2Fseg-1.m4s`,
      `/vod/${id}/%2e%2e/x`,
      `/vod/${id}/720p\\seg-1.m4s`,
      `/vod/${id}//master.m3u8`,
      `/vod/${id}/%E0%A4%A`,
      `/vod/${id}/720p/seg-1.m4s%00`,
    ]) {
      expect(parseMediaPath(path), path).toEqual({ ok: false, reason: 'bad-path' });
    }
    for (const path of [
      `/vod/${id}/720p/segments.jsonl`,
      `/vod/${id}/thumbnails/1.jpg`,
      `/vod/${id.toUpperCase()}/master.m3u8`,
      `/vod/clips/${id}/storyboard.vtt`,
      `/vod/${id}/clip.mp4`,
      '/hls/x/master.m3u8',
    ]) {
      expect(parseMediaPath(path), path).toEqual({ ok: false, reason: 'not-found' });
    }
  });
});
