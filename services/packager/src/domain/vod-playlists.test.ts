import { describe, expect, it } from 'vitest';
import { durationOf, renderRenditionPlaylist, renderVodMaster } from './vod-playlists.ts';
import { segmentEntries } from '@phzzk/media/test-support/segment-entry';

const entry = segmentEntries({ duration: 1.5, startMs: Date.UTC(2026, 0, 1) });

describe('VOD playlists', () => {
  it('renders an EVENT playlist while recording and a VOD playlist with ENDLIST when final', () => {
    const entries = [entry(0), entry(1), entry(2)];
    const event = renderRenditionPlaylist(entries, 'EVENT');
    expect(event).toContain('#EXT-X-PLAYLIST-TYPE:EVENT');
    expect(event).not.toContain('#EXT-X-ENDLIST');
    expect(event).toContain('#EXT-X-MEDIA-SEQUENCE:0');
    expect(event.match(/#EXT-X-MAP:URI="init-0.mp4"/g)).toHaveLength(1);
    const vod = renderRenditionPlaylist(entries, 'VOD');
    expect(vod).toContain('#EXT-X-PLAYLIST-TYPE:VOD');
    expect(vod.trimEnd().endsWith('#EXT-X-ENDLIST')).toBe(true);
    expect(vod).toContain('#EXT-X-TARGETDURATION:2');
    expect(vod.match(/#EXTINF:1\.5,/g)).toHaveLength(3);
  });

  it('breaks the timeline at a takeover, a new init segment or a missing segment', () => {
    const entries = [
      entry(0),
      entry(1),
      entry(2, { discontinuity: true, initUri: 'init-1.mp4' }),
      entry(3, { initUri: 'init-1.mp4' }),
      entry(5, { initUri: 'init-1.mp4' }),
      entry(6, { initUri: 'init-2.mp4' }),
    ];
    const text = renderRenditionPlaylist(entries, 'VOD');
    expect(text.match(/#EXT-X-DISCONTINUITY\n/g)).toHaveLength(3);
    expect(text.match(/#EXT-X-MAP:/g)).toHaveLength(4);
    expect(text).toMatch(
      /#EXT-X-DISCONTINUITY\n(#EXT-X-PROGRAM-DATE-TIME:[^\n]+\n)?#EXT-X-MAP:URI="init-2.mp4"|#EXT-X-MAP:URI="init-2.mp4"/,
    );
    expect(durationOf(entries)).toBe(9);
  });

  it('lists the richest rendition first in the master playlist', () => {
    const text = renderVodMaster([
      {
        name: 'lo',
        bandwidth: 100_000,
        averageBandwidth: 90_000,
        codecs: ['avc1.42c00d'],
        resolution: { width: 160, height: 90 },
      },
      { name: 'hi', bandwidth: 900_000, averageBandwidth: 800_000, codecs: ['avc1.64001f', 'mp4a.40.2'] },
    ]);
    expect(text.indexOf('hi/playlist.m3u8')).toBeLessThan(text.indexOf('lo/playlist.m3u8'));
    expect(text).toContain('BANDWIDTH=900000,AVERAGE-BANDWIDTH=800000,CODECS="avc1.64001f,mp4a.40.2"');
    expect(text).toContain('RESOLUTION=160x90');
  });
});
