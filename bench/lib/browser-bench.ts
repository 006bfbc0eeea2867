import type { Browser } from 'playwright-core';
import { launchChromium, type PlayerPageServer, servePlayerPage } from '../../test/support/browser.ts';
import { type LiveStream, startLiveStream } from '../../test/support/live-stream.ts';
import { downOnSignal } from './stage.ts';

/**
 * Runs `measure` for a benchmark that plays the live stream in a browser: with the platform and a
 * 720p30 publisher (taken down on a signal), the bare hls.js page and Chromium, all stopped after it.
 */
export async function withBrowserBench(
  options: { seconds: number; minSegments: number },
  measure: (bench: { live: LiveStream; pages: PlayerPageServer; browser: Browser }) => Promise<void>,
): Promise<void> {
  const live = await startLiveStream(options);
  downOnSignal(live.platform, async () => {
    await live.publisher.stop('SIGINT');
  });
  const pages = await servePlayerPage();
  const browser = await launchChromium();
  try {
    await measure({ live, pages, browser });
  } finally {
    await browser.close();
    await pages.close();
    await live.close();
  }
}
