// VODs and clips in the web app (issue 16), in Chromium (playwright-core, Debian's browser) against
// a real platform as `npm start` runs it: a broadcast pushed with ffmpeg is rewound and clipped
// from the live page while a chat message is sent; once it ends, /channel/{id} lists its VOD,
// /video/{id} plays it with storyboard previews on the seek bar and the chat replayed in sync, a
// clip is made from there too; /clip/{id} plays and its MP4 downloads; the owner renames, unlists
// and deletes the VOD. Axe on every page, screenshots of /channel, /video and /clip.
import type { Clip, Vod, VodPage } from '@phzzk/contracts';
import { uniqueName, waitFor } from '@phzzk/testing';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible } from './support/accessibility.ts';
import type { Platform } from './support/platform.ts';
import type { Proc } from './support/processes.ts';
import { waitForStream } from './support/live-stream.ts';
import { expectNotFound, shot, signUp, startWebApp, type WebApp } from './support/web-app.ts';

/** The broadcast is ended (SIGINT, as a streamer stops OBS) once its recording is this long. */
const BROADCAST_SECONDS = 45;

let web: WebApp;
let platform: Platform;
let publisher: Proc | undefined;

/** The VOD page's (or clip page's) video has played past `seconds`. */
const playedPast = (page: Page, seconds: number) =>
  waitFor(
    () =>
      page.evaluate<boolean>(
        `(() => { const v = document.querySelector('[data-testid=vod-video]'); return !!v && v.currentTime > ${seconds} && v.readyState >= 2; })()`,
      ),
    { what: `the video to play past ${seconds} s`, timeoutMs: 60_000, intervalMs: 250 },
  );

/** Follows the clip link of the page, checks the clip plays and its MP4 downloads; the clip's id. */
async function openClipAndDownload(page: Page, what: string): Promise<string> {
  const link = page.getByTestId('clip-link');
  await link.waitFor({ timeout: 30_000 });
  const href = (await link.getAttribute('href')) ?? '';
  expect(href, what).toMatch(/^\/clip\/[0-9a-f-]{36}$/);
  await link.click();
  await page.waitForURL(`**${href}`);
  await playedPast(page, 0.5);
  const mp4 = (await page.getByTestId('clip-download').getAttribute('href')) ?? '';
  expect(mp4).toMatch(/^\/vod\/clips\/[0-9a-f-]{36}\/clip\.mp4$/);
  expect(await page.getByTestId('clip-download').getAttribute('download')).not.toBeNull();
  const download = await page.request.get(mp4);
  expect(download.status(), `${what}: MP4 download`).toBe(200);
  expect(download.headers()['content-type']).toBe('video/mp4');
  const body = await download.body();
  expect(body.subarray(4, 8).toString('latin1')).toBe('ftyp');
  return href.slice('/clip/'.length);
}

beforeAll(async () => {
  web = await startWebApp({}, 760);
  platform = web.platform;
}, 900_000);

afterAll(() => web?.close(), 120_000);

describe('VODs and clips in the web app', { timeout: 600_000 }, () => {
  const nickname = uniqueName('vod').slice(0, 20);
  const chatText = `replay me <b>${uniqueName('m')}</b>`;
  let owner: Page;
  let channelId = '';
  let vod: Vod | undefined;

  it('rewinds a live broadcast into its recording and clips its last 30 s from the live page', async () => {
    owner = await (await web.context()).newPage();
    await signUp(owner, `${nickname}@example.com`, nickname);
    const channel = await waitFor(
      async () => {
        const res = await owner.request.get('/bff/api/channels/me');
        return res.ok() ? ((await res.json()) as { id: string }) : undefined;
      },
      { what: 'the channel', timeoutMs: 30_000, intervalMs: 250 },
    );
    channelId = channel.id;
    const key = (await (await owner.request.get('/bff/api/channels/me/stream-key')).json()) as { streamKey: string };
    // No VOD yet: the empty state.
    await owner.goto(`/channel/${channelId}`);
    expect(await owner.getByTestId('no-vods').count()).toBe(1);

    // Runs until the next test ends it: on a loaded machine this one may take longer than the
    // broadcast would last, and it needs the channel live to the end.
    publisher = web.publish(key.streamKey, { seconds: 600, size: '640x360' });
    await waitForStream(platform, channelId, publisher, 1, 60_000);
    await owner.goto(`/live/${channelId}`);
    await waitFor(
      async () => {
        if (await owner.evaluate<boolean | undefined>('window.phzzkPlayer?.playing')) return true;
        if ((await owner.getByTestId('offline-card').count()) > 0) await owner.reload();
        return undefined;
      },
      { what: 'the live player to play', timeoutMs: 90_000, intervalMs: 1000 },
    );
    await waitFor(
      () =>
        owner
          .getByTestId('chat-status')
          .getAttribute('data-status')
          .then((s) => s === 'open'),
      { what: 'chat open', timeoutMs: 30_000 },
    );
    await owner.getByLabel('Chat message', { exact: true }).fill(chatText);
    await owner.getByLabel('Chat message', { exact: true }).press('Enter');
    await waitFor(
      async () => (await owner.getByTestId('chat-line').allTextContents()).some((l) => l.includes(chatText)),
      { what: 'the chat message on the live page' },
    );
    await expectAccessible(owner, 'live page with rewind and clip');

    // Rewind: the recording's EVENT playlist plays (found by the live session's id).
    const playlist = owner.waitForResponse((r) => /\/vod\/[0-9a-f-]{36}\/master\.m3u8$/.test(r.url()), {
      timeout: 30_000,
    });
    await waitFor(async () => (await owner.getByTestId('rewind-button').count()) === 1, { what: 'rewind' });
    await owner.getByRole('button', { name: /^Rewind/ }).click();
    expect((await playlist).status()).toBe(200);
    await playedPast(owner, 0.5);
    expect(await owner.getByTestId('live-tools').textContent()).toContain('Watching the recording');
    await owner.getByRole('button', { name: 'Back to live' }).click();
    await waitFor(() => owner.evaluate<boolean | undefined>('window.phzzkPlayer?.playing'), {
      what: 'back to live',
      timeoutMs: 30_000,
    });

    // Clip of the last 30 s (the recording holds at least ~10 s by now).
    await waitFor(
      async () => {
        const page = (await (await owner.request.get(`/api/vods?channelId=${channelId}`)).json()) as VodPage;
        return (page.items[0]?.durationSeconds ?? 0) >= 10 ? true : undefined;
      },
      { what: '10 s recorded', timeoutMs: 60_000, intervalMs: 500 },
    );
    await owner.getByRole('button', { name: 'Clip the last 30 seconds' }).click();
    const clipId = await openClipAndDownload(owner, 'live clip');
    const clip = (await (await owner.request.get(`/api/clips/${clipId}`)).json()) as Clip;
    expect(clip.channelId).toBe(channelId);
    expect(clip.durationSeconds).toBeGreaterThanOrEqual(5);
    expect(await owner.getByTestId('clip-title').textContent()).toBe(clip.title);
    expect(await owner.getByTestId('clip-channel').getAttribute('href')).toBe(`/channel/${channelId}`);
  });

  it('lists the VOD on /channel/{id} once the broadcast ends', async () => {
    await waitFor(
      async () => {
        const page = (await (await owner.request.get(`/api/vods?channelId=${channelId}`)).json()) as VodPage;
        return (page.items[0]?.durationSeconds ?? 0) >= BROADCAST_SECONDS;
      },
      { what: `${BROADCAST_SECONDS} s recorded`, timeoutMs: 120_000, intervalMs: 500 },
    );
    await publisher?.stop('SIGINT');
    publisher = undefined;
    const listed = async () =>
      ((await (await owner.request.get(`/api/vods?channelId=${channelId}`)).json()) as VodPage).items[0];
    const ready = await waitFor(async () => ((await listed())?.status === 'ready' ? Date.now() : undefined), {
      what: 'the VOD to be ready',
      timeoutMs: 60_000,
      intervalMs: 100,
    });
    // The storyboard's last sheet may be drawn just after `ready`: the seek previews need it.
    vod = await waitFor(async () => ((await listed())?.storyboardUrl ? await listed() : undefined), {
      what: 'the storyboard',
      // Drawn from the live thumbnails: beside the whole suite on two cores its last sheet took
      // over 30 s once (the transcoder's thumbnails lag under that load).
      timeoutMs: 90_000,
      intervalMs: 100,
    });
    console.log(`storyboard listed ${Date.now() - ready} ms after the VOD was seen ready`);
    expect(vod.status).toBe('ready');
    const viewer = await (await web.context('ko-KR')).newPage();
    await viewer.goto(`/channel/${channelId}`);
    const card = viewer.getByTestId('vod-card');
    expect(await card.count()).toBe(1);
    expect(await viewer.getByTestId('vod-card-title').textContent()).toBe(vod.title);
    expect(await card.locator('a').getAttribute('href')).toBe(`/video/${vod.id}`);
    expect(await card.textContent()).toContain('방송'); // the date, in Korean
    expect(await viewer.getByTestId('clip-card').count()).toBe(1);
    // Not the owner: no controls.
    expect(await viewer.getByTestId('vod-manage').count()).toBe(0);
    await expectAccessible(viewer, 'channel ko');
    await owner.goto(`/channel/${channelId}`);
    await owner.getByTestId('clip-card').scrollIntoViewIfNeeded();
    await waitFor(
      () => owner.evaluate<boolean>('[...document.images].every((i) => i.complete && i.naturalWidth > 0)'),
      { what: 'the thumbnails', timeoutMs: 10_000 },
    );
    expect(await owner.locator('[data-testid=vod-card] img').count()).toBe(1);
    await expectAccessible(owner, 'channel en (owner)');
    await owner.evaluate('window.scrollTo(0, 0)');
    await shot(owner, 'channel', true);
  });

  it('plays /video/{id} with storyboard previews on the seek bar and the chat replayed in sync', async () => {
    if (!vod) throw new Error('no VOD');
    const page = await (await web.context()).newPage();
    expect((await page.goto(`/video/${vod.id}`))?.status()).toBe(200);
    expect(await page.getByTestId('vod-title').textContent()).toBe(vod.title);
    await playedPast(page, 0.5);
    // Early in the broadcast the message was not sent yet: the replay shows what was said up to now.
    const replay = page.getByRole('log', { name: 'Chat messages of the broadcast' });
    expect(await replay.count()).toBe(1);

    // Hover over the seek bar: a storyboard tile of a sprite sheet appears above it.
    const seek = page.getByRole('slider', { name: 'Seek' });
    const box = await seek.boundingBox();
    if (!box) throw new Error('no seek bar');
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2);
    const tile = page.getByTestId('storyboard-tile');
    await tile.waitFor({ timeout: 15_000 });
    expect(await tile.getAttribute('data-sheet')).toMatch(new RegExp(`/vod/${vod.id}/storyboard/sheet-.+\\.jpg$`));
    // A sheet that grew after the page read the storyboard (its last one is drawn just after
    // `ready`) is renamed: the player reads the storyboard again and the tile shows the new sheet.
    const sheet = await waitFor(
      async () => {
        const answer = await page.request.get((await tile.getAttribute('data-sheet')) ?? '');
        return answer.status() === 200 ? answer : undefined;
      },
      { what: 'the tile to show a sheet that exists', timeoutMs: 10_000, intervalMs: 200 },
    );
    expect(sheet.headers()['content-type']).toBe('image/jpeg');
    await shot(page, 'video');
    await page.mouse.move(box.x + box.width / 2, box.y - 300);
    await tile.waitFor({ state: 'detached' });

    // Keyboard: focus on the seek bar shows the tile at the position; arrows seek 5 s.
    await seek.focus();
    await tile.waitFor({ timeout: 5000 });
    const before = await page.evaluate<number>('document.querySelector("[data-testid=vod-video]").currentTime');
    await page.keyboard.press('ArrowRight');
    const after = await page.evaluate<number>('document.querySelector("[data-testid=vod-video]").currentTime');
    expect(after - before).toBeGreaterThan(3);

    // Seek near the end: the message sent during the broadcast is replayed, as text.
    await page.evaluate<void>(
      'const v = document.querySelector("[data-testid=vod-video]"); v.currentTime = v.duration - 2',
    );
    await waitFor(
      async () => (await page.getByTestId('replay-line').allTextContents()).some((l) => l.includes(chatText)),
      { what: 'the chat message in the replay', timeoutMs: 30_000 },
    );
    expect(await replay.locator('b').count()).toBe(0);
    // And seeking back to the start hides it again (in sync with the position).
    await page.evaluate<void>('document.querySelector("[data-testid=vod-video]").currentTime = 0');
    await waitFor(
      async () => !(await page.getByTestId('replay-line').allTextContents()).some((l) => l.includes(chatText)),
      { what: 'the replay to follow the seek back', timeoutMs: 15_000 },
    );
    await expectAccessible(page, 'video en');
  });

  it('clips 30 s of the VOD from /video/{id}, and the clip page plays and downloads', async () => {
    if (!vod) throw new Error('no VOD');
    await owner.goto(`/video/${vod.id}`);
    await playedPast(owner, 0.5);
    await owner.getByRole('button', { name: 'Clip 30 seconds from the current position' }).click();
    const clipId = await openClipAndDownload(owner, 'VOD clip');
    const clip = (await (await owner.request.get(`/api/clips/${clipId}`)).json()) as Clip;
    expect(clip.vodId).toBe(vod.id);
    expect(clip.durationSeconds).toBeGreaterThanOrEqual(25);
    await expectAccessible(owner, 'clip en');
    await shot(owner, 'clip');
  });

  it('answers the 404 page for an unknown or malformed VOD or clip', async () => {
    const page = await (await web.context()).newPage();
    await expectNotFound(page, [
      '/video/0190c2d6-0000-7000-8000-00000000dead',
      '/video/not-a-vod',
      '/clip/0190c2d6-0000-7000-8000-00000000dead',
      '/clip/not-a-clip',
    ]);
  });

  it('lets the owner rename and unlist the VOD (others no longer see it) and delete it after confirming', async () => {
    if (!vod) throw new Error('no VOD');
    await owner.goto(`/channel/${channelId}`);
    const manage = owner.getByTestId('vod-manage');
    await manage.locator('summary').click();
    await owner.getByLabel('Title of the video').fill('Renamed <i>broadcast</i>');
    await owner.getByLabel('Visibility').selectOption('unlisted');
    await owner.getByRole('button', { name: 'Save' }).click();
    await waitFor(async () => (await manage.getByRole('status').textContent()) === 'Saved.', { what: 'saved' });
    expect(await owner.getByTestId('vod-card-title').textContent()).toBe('Renamed <i>broadcast</i>');
    await owner.reload();
    expect(await owner.getByTestId('vod-card').count()).toBe(1); // the owner still sees it
    expect(await owner.getByTestId('vod-card').textContent()).toContain('Unlisted');
    const anonymous = await (await web.context()).newPage();
    await anonymous.goto(`/channel/${channelId}`);
    expect(await anonymous.getByTestId('vod-card').count()).toBe(0);
    // Unlisted still plays by its URL.
    expect((await anonymous.goto(`/video/${vod.id}`))?.status()).toBe(200);

    await owner.getByTestId('vod-manage').locator('summary').click();
    await owner.getByRole('button', { name: 'Delete', exact: true }).click();
    expect(await owner.getByRole('alert').filter({ hasText: 'Delete this video for good?' }).count()).toBe(1);
    await owner.getByRole('button', { name: 'Cancel' }).click();
    expect(await owner.getByTestId('vod-card').count()).toBe(1);
    await owner.getByRole('button', { name: 'Delete', exact: true }).click();
    await owner.getByRole('button', { name: 'Yes, delete' }).click();
    await waitFor(async () => (await owner.getByTestId('vod-card').count()) === 0, { what: 'the card to go' });
    expect((await owner.request.get(`/api/vods/${vod.id}`, { failOnStatusCode: false })).status()).toBe(404);
    expect((await owner.goto(`/video/${vod.id}`))?.status()).toBe(404);
    // The clips outlive it.
    await owner.goto(`/channel/${channelId}`);
    expect(await owner.getByTestId('clip-card').count()).toBe(2);
  });
});
