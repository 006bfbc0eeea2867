import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@phzzk/testing';
import type { BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';
import { launchChromium } from './browser.ts';
import { type Platform, startPlatform } from './platform.ts';
import type { Proc } from './processes.ts';
import { publishTestPattern } from './publisher.ts';

/** The password the web app's browser tests sign up with. */
export const PASSWORD = 'violet-Harbor-92-lantern';

/** Where screenshots go: docs/screenshots with UPDATE_SCREENSHOTS=1, else .phzzk/screenshots. */
const SHOTS = join(repoRoot, process.env.UPDATE_SCREENSHOTS === '1' ? 'docs/screenshots' : '.phzzk/screenshots');

export async function shot(page: Page, name: string, fullPage = false): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage });
}

/** Signs up on /signup with an email, a nickname and PASSWORD, as a person would; ends in the studio. */
export async function signUp(page: Page, email: string, nickname: string): Promise<void> {
  await page.goto('/signup');
  await page.locator('input[name=email]').fill(email);
  await page.locator('input[name=nickname]').fill(nickname);
  await page.locator('input[name=password]').fill(PASSWORD);
  await page.locator('form button[type=submit]').click();
  await page.waitForURL('**/studio');
}

/** Each of `paths` answers 404 with the not-found page, headed `heading` (in the page's language). */
export async function expectNotFound(page: Page, paths: string[], heading = 'Page not found'): Promise<void> {
  for (const path of paths) {
    const response = await page.goto(path);
    expect(response?.status(), path).toBe(404);
    expect(await page.locator('h1').textContent()).toBe(heading);
  }
}

/** The platform (web app included) and Chromium, for the web app's browser tests. */
export interface WebApp {
  platform: Platform;
  /** A fresh browser context on the gateway, in `locale`, 1280 px wide. */
  context(locale?: 'en-US' | 'ko-KR'): Promise<BrowserContext>;
  /** Publishes the test pattern with a stream key, as a streamer's OBS would. */
  publish(streamKey: string, options: { seconds: number; size?: string }): Proc;
  /** Stops the publishers (SIGINT, as a streamer stops OBS), the contexts, the browser and the platform. */
  close(): Promise<void>;
}

export async function startWebApp(env: Record<string, string>, viewportHeight: number): Promise<WebApp> {
  const platform = await startPlatform(env);
  const browser = await launchChromium();
  const contexts: BrowserContext[] = [];
  const publishers: Proc[] = [];
  return {
    platform,
    async context(locale = 'en-US') {
      const viewport = { width: 1280, height: viewportHeight };
      const c = await browser.newContext({ locale, viewport, baseURL: platform.gatewayUrl });
      contexts.push(c);
      return c;
    },
    publish(streamKey, options) {
      const publisher = publishTestPattern(`${platform.rtmpBase}/${streamKey}`, options);
      publishers.push(publisher);
      return publisher;
    },
    async close() {
      for (const p of publishers) await p.stop('SIGINT');
      for (const c of contexts) await c.close().catch(() => undefined);
      await browser.close();
      await platform.down();
    },
  };
}
