import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { repoRoot } from '@phzzk/testing';
import { type Browser, chromium, type Page } from 'playwright-core';

/** The system's Chromium (Debian package), never a browser build of Playwright's own. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface PlayerPageServer {
  /** The page that plays `src` (a master playlist URL); `catchUp` is hls.js's maxLiveSyncPlaybackRate. */
  urlFor(src: string, options?: { catchUp?: number }): string;
  close(): Promise<void>;
}

/** Serves bench/fixtures/player.html and hls.js from node_modules on 127.0.0.1 (any port). */
export async function servePlayerPage(): Promise<PlayerPageServer> {
  const page = readFileSync(join(repoRoot, 'bench/fixtures/player.html'));
  const hlsJs = readFileSync(join(repoRoot, 'node_modules/hls.js/dist/hls.min.js'));
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    const body = path === '/player.html' ? page : path === '/hls.js' ? hlsJs : undefined;
    if (!body) {
      res.writeHead(404).end();
      return;
    }
    const type = path.endsWith('.js') ? 'text/javascript' : 'text/html; charset=utf-8';
    res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    urlFor: (src, options = {}) =>
      `http://127.0.0.1:${port}/player.html?src=${encodeURIComponent(src)}${options.catchUp ? `&catchUp=${options.catchUp}` : ''}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export interface PlayerSample {
  at: number;
  currentTime: number;
  latency: number | undefined;
  targetLatency: number | undefined;
  drift: number | undefined;
  bufferedAhead: number;
  level: number;
  playbackRate: number;
  paused: boolean;
}

export interface PlayerState {
  supported: boolean;
  playing: boolean;
  fatal: string | null;
  errors: { type: string; details: string; fatal: boolean; at: number }[];
  waiting: number;
  stalls: number;
  levels: { height: number; bitrate: number; codecs: string }[];
}

/** What the page's window.player says now (state and one sample of the playback clock). */
export function readPlayer(page: Page): Promise<{ state: PlayerState; sample: PlayerSample }> {
  return page.evaluate(() => {
    const p = (globalThis as unknown as { player: PlayerState & { sample(): PlayerSample } }).player;
    const { sample, ...state } = p;
    return { state: JSON.parse(JSON.stringify(state)) as PlayerState, sample: sample() };
  });
}
