import { mkdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '@phzzk/testing';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, type PlayerPageServer, readPlayer, servePlayerPage } from './support/browser.ts';
import { type LiveStream, startLiveStream } from './support/live-stream.ts';

/**
 * A viewer's browser (Chromium) plays the live stream from the gateway with hls.js in low-latency
 * mode, as the web player does: the video advances, hls.js knows its live latency, nothing fatal.
 */
describe('player: hls.js in Chromium plays the live stream (browser)', () => {
  let live: LiveStream;
  let pages: PlayerPageServer;
  let browser: Browser;

  beforeAll(async () => {
    live = await startLiveStream({ seconds: 120 });
    pages = await servePlayerPage();
    browser = await launchChromium();
  }, 150_000);

  afterAll(async () => {
    await browser?.close();
    await pages?.close();
    await live?.close();
  }, 60_000);

  it('plays with a low live latency and no fatal error', async () => {
    const page = await browser.newPage({ viewport: { width: 960, height: 600 } });
    const consoleErrors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(`${m.text()} ${m.location().url}`);
    });
    await page.goto(pages.urlFor(live.masterUrl));

    const started = await waitFor(
      async () => {
        const { state, sample } = await readPlayer(page);
        if (state.fatal) throw new Error(`hls.js fatal error: ${state.fatal}`);
        return state.playing && sample.currentTime > 0 ? sample : undefined;
      },
      { what: 'playback to start', timeoutMs: 30_000, intervalMs: 200 },
    );
    // The clock runs: two more seconds of media played (within a generous wall-clock deadline).
    const later = await waitFor(
      async () => {
        const { state, sample } = await readPlayer(page);
        if (state.fatal) throw new Error(`hls.js fatal error: ${state.fatal}`);
        return sample.currentTime >= started.currentTime + 2 ? sample : undefined;
      },
      { what: 'the video to advance 2 s', timeoutMs: 20_000, intervalMs: 200 },
    );
    const { state } = await readPlayer(page);
    expect(state.supported).toBe(true);
    expect(state.fatal).toBeNull();
    expect(state.levels.map((l) => l.height).sort((a, b) => b - a)).toEqual([720, 480, 360, 160]);
    expect(later.latency).toBeGreaterThan(0);
    expect(later.latency).toBeLessThan(10);
    expect(later.targetLatency).toBeGreaterThan(0);

    const dir = join(tmpdir(), 'phzzk-player');
    mkdirSync(dir, { recursive: true });
    const path = join(dir, `player-${Date.now()}.png`);
    await page.screenshot({ path });
    expect(statSync(path).size).toBeGreaterThan(10_000);
    console.log(
      `player screenshot: ${path} (latency ${later.latency?.toFixed(2)} s, target ${later.targetLatency?.toFixed(2)} s)`,
    );
    expect(consoleErrors).toEqual([]);
  }, 90_000);
});
