// Server-rendered markup of the controls both players share, and of the two players built on them.
import { createElement, type ReactElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { I18nProvider } from '../../i18n/client.tsx';
import en from '../../i18n/messages/en.json' with { type: 'json' };
import { LivePlayer } from '../player/live-player.tsx';
import { VodPlayer } from '../vod/vod-player.tsx';
import { PlaybackButtons, PlayerNotices } from './media-controls.tsx';

const render = (element: ReactElement) =>
  renderToStaticMarkup(createElement(I18nProvider, { locale: 'en', catalog: JSON.stringify(en) }, element));
const noop = () => {};
const controls = (muted: boolean, volume = 0.5) => ({
  muted,
  volume,
  togglePlay: noop,
  toggleMute: noop,
  changeVolume: noop,
});

describe('PlayerNotices', () => {
  it('offers unmuting while the picture plays muted, and shows a playback error as an alert', () => {
    const html = render(createElement(PlayerNotices, { controls: controls(true), playing: true, error: true }));
    expect(html).toBe(
      `<button type="button" class="unmute">${en['player.unmute']}</button>` +
        `<p role="alert" class="unmute">${en['player.error']}</p>`,
    );
  });

  it('shows nothing while paused, or playing with sound, without an error', () => {
    expect(render(createElement(PlayerNotices, { controls: controls(true), playing: false, error: false }))).toBe('');
    expect(render(createElement(PlayerNotices, { controls: controls(false), playing: true, error: false }))).toBe('');
  });
});

describe('PlaybackButtons', () => {
  it('names the buttons by what they will do, and shows a muted volume as 0', () => {
    const html = render(createElement(PlaybackButtons, { controls: controls(true), playing: true }));
    expect(html).toContain(`aria-label="${en['player.pause']}"`);
    expect(html).toContain(`aria-label="${en['player.unmuteShort']}"`);
    expect(html).toContain(
      `<input type="range" min="0" max="1" step="0.05" aria-label="${en['player.volume']}" value="0"/>`,
    );
  });

  it('offers play and mute while paused with sound, the volume at its level', () => {
    const html = render(createElement(PlaybackButtons, { controls: controls(false, 0.5), playing: false }));
    expect(html).toContain(`aria-label="${en['player.play']}"`);
    expect(html).toContain(`aria-label="${en['player.mute']}"`);
    expect(html).toContain('value="0.5"');
  });
});

describe('the players', () => {
  it('live: video, shortcuts note, the shared controls, quality and fullscreen', () => {
    const html = render(createElement(LivePlayer, { channelId: 'c1', src: '/hls/c1/master.m3u8', onEnded: noop }));
    expect(html).toContain('data-testid="live-video"');
    expect(html).toContain(`aria-label="${en['player.play']}"`);
    expect(html).toContain(`aria-label="${en['player.unmuteShort']}"`);
    expect(html).toContain(`aria-label="${en['player.quality']}"`);
    expect(html).toContain(`aria-label="${en['player.fullscreen']}"`);
    expect(html).not.toContain('role="alert"');
  });

  it('VOD: video, seek bar, the shared controls, time and fullscreen', () => {
    const html = render(createElement(VodPlayer, { src: '/vod/v1/master.m3u8' }));
    expect(html).toContain('data-testid="vod-video"');
    expect(html).toContain('data-testid="seek-bar"');
    expect(html).toContain(`aria-label="${en['player.play']}"`);
    expect(html).toContain(`aria-label="${en['player.volume']}"`);
    expect(html).toContain(`aria-label="${en['player.fullscreen']}"`);
  });
});
