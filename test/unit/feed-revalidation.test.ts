/**
 * The feed fast path while a render is revalidated against its stored row: one
 * row read at a time per feed, and the requests meanwhile get the render held.
 */
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { createLogger } from '../../src/core/logger.js';
import { mediaBase } from '../../src/core/urls.js';
import type { StoredRender } from '../../src/db/repositories/feeds.repo.js';
import {
  FeedPublishingService,
  type FeedPublishingDeps,
} from '../../src/services/feed-publishing.js';

const ROW: StoredRender = {
  feedKey: 'show1',
  showId: 'show1',
  etag: '"abc"',
  lastModified: new Date('2026-03-01T10:00:00Z'),
  sourceTime: new Date('2026-03-01T10:00:00Z'),
  itemCount: 1,
  storageKey: 'feeds/show1/show1-abc',
};

describe('feed revalidation', () => {
  it('reads the stored row once for concurrent requests and serves the held render meanwhile', async () => {
    let reads = 0;
    let release: () => void = () => undefined;
    let gate: Promise<void> = Promise.resolve();
    const deps = {
      feeds: {
        showIdBySlug: () => Promise.resolve('show1'),
        findRender: async () => {
          reads += 1;
          await gate;
          return ROW;
        },
      },
      storage: { openRead: () => Promise.resolve(Readable.from([Buffer.from('<rss/>')])) },
      publicUrl: 'https://podcasts.example.org',
      mediaBase: mediaBase('https://podcasts.example.org/media'),
      logger: createLogger({ level: 'silent', pretty: false }),
      // Every request revalidates: what matters is how many read at once.
      revalidateMs: 0,
    } as unknown as FeedPublishingDeps;
    const service = new FeedPublishingService(deps);

    const first = await service.get('normandie');
    assert.equal(first?.body.toString(), '<rss/>');
    assert.equal(service.peek('normandie'), undefined, 'stale and nobody revalidating');

    gate = new Promise((resolve) => (release = resolve));
    reads = 0;
    const waiting = [service.get('normandie'), service.get('normandie'), service.get('normandie')];
    assert.equal(service.peek('normandie'), first, 'the held render while one request reads');
    release();
    for (const render of await Promise.all(waiting)) assert.equal(render, first);
    assert.equal(reads, 1);
    assert.equal(service.peek('normandie'), undefined);
  });
});
