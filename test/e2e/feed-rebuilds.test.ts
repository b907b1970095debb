/**
 * Feed rebuilds coalesced across processes: two Antenne instances on one
 * PostgreSQL database and one storage (as API and worker processes share
 * them) render a burst of requests for a show about twice, and the feed both
 * serve ends on the last change.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { FeedBuildsRepository } from '../../src/db/repositories/feed-builds.repo.js';
import { addEpisodes } from '../../support/bulk-episodes.js';
import { createTestShow, startTestApp, type TestApp } from '../helpers/app.js';
import { SHOW_INPUT } from '../fixtures/editorial.js';

describe('feed rebuilds across processes (postgres)', () => {
  let a: TestApp;
  let b: TestApp;
  let showId: string;
  let renders = 0;
  /** Renders wait until the database holds this many requested revisions (see the burst test). */
  let holdRendersUntil = 0;

  before(async () => {
    a = await startTestApp({ engine: 'postgres', worker: false });
    const shared = await a.stop();
    // Restarted on the same data: A again, and B beside it (same database, storage and Redis prefix).
    a = await startTestApp({ engine: 'postgres', worker: false, restart: shared });
    b = await startTestApp({
      engine: 'postgres',
      worker: false,
      restart: { ...shared, dropDatabase: () => Promise.resolve() },
    });
    await createTestShow(a);
    showId = (await a.antenne.repos.shows.findBySlug(SHOW_INPUT.slug))!.id;
    await addEpisodes(a.antenne.db.db, showId, 0, 200);
    // Count every render of both instances; a little slower, so that requests overlap renders.
    for (const app of [a, b]) {
      const service = app.antenne.feedPublisher;
      const render = service.renderAndStore.bind(service);
      service.renderAndStore = async (id) => {
        renders += 1;
        await sleep(100);
        while ((await requested()) < holdRendersUntil) await sleep(10);
        return render(id);
      };
    }
  });

  after(async () => {
    await b?.stop();
    await a?.close();
  });

  /** The show's latest requested revision, as every process sees it. */
  const requested = async () =>
    (await new FeedBuildsRepository(a.antenne.db.db).revisions(showId))?.requested ?? 0;

  const feedTitle = async (app: TestApp) => {
    const res = await fetch(`${app.baseUrl}/feeds/${SHOW_INPUT.slug}.xml`);
    assert.equal(res.status, 200);
    return /<title><!\[CDATA\[(.*?)\]\]><\/title>/.exec(await res.text())?.[1];
  };

  it('renders a burst of 20 requests from two processes at most twice', async () => {
    await a.antenne.feedPublisher.rebuildShow(showId);
    renders = 0;
    // A burst is requests that arrive while a render runs. On a loaded machine the 20 revisions
    // (one row, taken one commit after the other) can take longer than a render, so the first
    // render is held until all of them are taken: its revisions were read before the hold, so
    // it covers only part of the burst, and the second covers the rest.
    holdRendersUntil = (await requested()) + 20;
    await Promise.all(
      Array.from({ length: 10 }, () => [
        a.antenne.feedPublisher.rebuildShow(showId),
        b.antenne.feedPublisher.rebuildShow(showId),
      ]).flat(),
    );
    holdRendersUntil = 0;
    assert.ok(renders >= 1 && renders <= 2, `${renders} renders`);
  });

  it('ends on the last change, whichever process made it and whichever rendered', async () => {
    for (let round = 0; round < 3; round += 1) {
      const burst = Array.from({ length: 5 }, () => [
        a.antenne.feedPublisher.rebuildShow(showId),
        b.antenne.feedPublisher.rebuildShow(showId),
      ]).flat();
      // Edits from both processes while renders run; the second is the last change.
      await b.antenne.publishing.patchShow(SHOW_INPUT.slug, { title: `Première ${round}` });
      await sleep(30);
      const last = `Dernière « ${round} »`;
      const [editor, other] = round % 2 ? [a, b] : [b, a];
      await editor.antenne.publishing.patchShow(SHOW_INPUT.slug, { title: last });
      // The process that made the change serves it as soon as the edit returns…
      assert.equal(await feedTitle(editor), last);
      await Promise.all(burst);
      assert.equal(await feedTitle(editor), last);
      // …the other once it revalidates what it holds in memory (at most a second later).
      await sleep(1100);
      assert.equal(await feedTitle(other), last);
    }
  });
});
