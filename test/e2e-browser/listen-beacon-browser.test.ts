/**
 * Issue 12 in a real browser: the embedded player reports a play started, 30 s
 * heard and the end reached with navigator.sendBeacon, and its audio requests
 * are counted as the Antenne player's download; each once, however often the
 * listener plays again.
 */
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { type Browser } from 'playwright-core';
import {
  createTestShow,
  MP3_ONLY_LADDER,
  startTestApp,
  uploadEpisode,
  waitForEpisode,
  type TestApp,
} from '../helpers/app.js';
import { launchChromium } from '../helpers/browser.js';
import { tone } from '../fixtures/audio.js';

/** A desktop Chrome: HeadlessChrome is a bot to the counting, as it should be. */
const CHROME =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';

describe('player listens in Chromium (beacons)', function () {
  this.timeout(180_000);
  let app: TestApp;
  let browser: Browser;
  let episodeId: string;

  before(async () => {
    app = await startTestApp({ engine: 'pglite' });
    // The player plays the MP3 (the enclosure), the only rendition read: the show encodes it alone.
    await createTestShow(app, { ladder: MP3_ONLY_LADDER });
    const upload = await uploadEpisode(app, await tone(40));
    assert.equal(upload.status, 202, await upload.clone().text());
    episodeId = ((await upload.json()) as { id: string }).id;
    assert.equal((await waitForEpisode(app.baseUrl, episodeId)).state, 'ready');
    const published = await app.authed(`/api/episodes/${episodeId}/publish`, { method: 'POST' });
    assert.equal(published.status, 200);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await app?.close();
  });

  it('sends started, heard-30s and completed once each; the audio counts as the player’s', async () => {
    const context = await browser.newContext({ userAgent: CHROME });
    const page = await context.newPage();
    const beacons: string[] = [];
    page.on('request', (r) => {
      if (r.url().endsWith('/api/listens')) beacons.push(r.method());
    });
    await page.goto(`${app.baseUrl}/embed/episodes/${episodeId}`);
    // Fast (16, the most Chromium allows), so that 30 s are heard and the end is reached in a few seconds.
    await page.locator('audio').evaluate((a: HTMLAudioElement) => (a.playbackRate = 16));
    for (let round = 0; round < 2; round++) {
      await page.locator('.ap-play').click();
      await page.waitForFunction(() => document.querySelector('audio')!.ended, null, {
        timeout: 30_000,
      });
    }
    // A reload is a new page: its beacons are sent again, and counted once all the same.
    await page.reload();
    const sentAgain = page.waitForRequest((r) => r.url().endsWith('/api/listens'));
    await page.locator('.ap-play').click();
    await sentAgain;
    await context.close();

    // Once each per page (a second play sends nothing new), and again after the reload.
    assert.deepEqual(beacons, ['POST', 'POST', 'POST', 'POST']);

    const audience = app.antenne.audience!;
    await audience.recorder.settled();
    await audience.aggregator.run();
    const listens = await app.antenne.db.db
      .selectFrom('audience_listens')
      .select(['milestone', 'listens'])
      .where('episode_id', '=', episodeId)
      .orderBy('milestone')
      .execute();
    assert.deepEqual(listens, [
      { milestone: 'completed', listens: 1 },
      { milestone: 'heard-30s', listens: 1 },
      { milestone: 'started', listens: 1 },
    ]);
    const downloads = await app.antenne.db.db
      .selectFrom('audience_downloads')
      .select([sql<string>`app`.as('app'), 'platform', 'downloads'])
      .where('episode_id', '=', episodeId)
      .execute();
    assert.deepEqual(downloads, [{ app: 'antenne-player', platform: 'linux', downloads: 1 }]);
  });
});
