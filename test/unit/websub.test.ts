/**
 * WebSub and feed moves, the parts without services: the hub's settings, the
 * coalescing of pings (one job per show and window, sent when the window
 * closes), and the channel elements a feed announces them with.
 */
import assert from 'node:assert/strict';
import { XMLParser } from 'fast-xml-parser';
import pino from 'pino';
import { ConfigError, loadConfig } from '../../src/core/config.js';
import { CHANNEL_END, channelHead } from '../../src/feeds/podcast-feed.js';
import { QueueUnavailableError } from '../../src/queue/producer.js';
import { WebSubPublisher } from '../../src/services/websub.js';
import { makeShow, NOW } from '../helpers/feed-fixtures.js';

const HUB = 'https://hub.example.net/';

describe('WebSub settings', () => {
  it('takes a hub URL, and the private-address switch only with one', () => {
    assert.equal(loadConfig({}).websub, undefined);
    assert.deepEqual(loadConfig({ WEBSUB_HUB_URL: HUB }).websub, {
      hubUrl: HUB,
      allowPrivate: false,
    });
    assert.equal(
      loadConfig({ WEBSUB_HUB_URL: HUB, WEBSUB_ALLOW_PRIVATE: 'true' }).websub?.allowPrivate,
      true,
    );
    for (const env of [
      { WEBSUB_HUB_URL: 'ftp://hub.example.net/' },
      { WEBSUB_HUB_URL: 'pas une adresse' },
      { WEBSUB_ALLOW_PRIVATE: 'true' },
    ]) {
      assert.throws(
        () => loadConfig(env),
        (e: unknown) => e instanceof ConfigError && e.problems.some((p) => p.startsWith('WEBSUB_')),
        JSON.stringify(env),
      );
    }
  });
});

describe('WebSub pings are coalesced per show and window', () => {
  const enqueued: { payload: unknown; revision: number; delayMs: number | undefined }[] = [];
  let now = 0;
  let redisDown = false;
  const publisher = new WebSubPublisher({
    hubUrl: HUB,
    policy: { allowPrivate: false, allowedHosts: [] },
    publicUrl: 'https://podcasts.example.org',
    shows: { findById: () => Promise.resolve(undefined) },
    feeds: { listTopics: () => Promise.resolve([]) },
    producer: {
      enqueue: (_name, payload, revision = 0, options = {}) => {
        if (redisDown) return Promise.reject(new QueueUnavailableError(new Error('down')));
        enqueued.push({ payload, revision, delayMs: options.delayMs });
        return Promise.resolve('id');
      },
    },
    logger: pino({ level: 'silent' }),
    coalesceMs: 2_000,
    now: () => now,
  });

  beforeEach(() => {
    enqueued.length = 0;
    redisDown = false;
  });

  it('gives the changes of one window the same job, due when the window closes', async () => {
    for (now of [10_000, 10_500, 11_999]) await publisher.announce('show1');
    assert.deepEqual(
      enqueued.map((e) => [e.revision, e.delayMs]),
      [
        [5, 2_000],
        [5, 1_500],
        [5, 1],
      ],
    );
    now = 12_000;
    await publisher.announce('show1');
    assert.equal(enqueued.at(-1)!.revision, 6);
    assert.deepEqual(enqueued.at(-1)!.payload, { showId: 'show1' });
  });

  it('leaves a change stored when Redis is away (apps see it at their next poll)', async () => {
    redisDown = true;
    await publisher.announce('show1');
    assert.deepEqual(enqueued, []);
  });
});

describe('channel elements of WebSub and moves', () => {
  const parse = (xml: string) =>
    (
      new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(xml) as {
        rss: { channel: Record<string, unknown> };
      }
    ).rss.channel;
  const head = (extra: { hubUrl?: string; newFeedUrl?: string }) =>
    channelHead({
      show: makeShow(),
      feedUrl: 'https://podcasts.example.org/feeds/normandie-numerique.xml',
      mediaUrl: (key) => `https://podcasts.example.org/media/${key}`,
      lastChange: NOW,
      newest: NOW,
      ...extra,
    }) + CHANNEL_END;

  it('names the hub next to the feed itself, and where the feed moved', () => {
    const channel = parse(
      head({ hubUrl: HUB, newFeedUrl: 'https://ailleurs.example.net/flux.xml?a=1&b=2' }),
    );
    assert.deepEqual(channel['atom:link'], [
      {
        href: 'https://podcasts.example.org/feeds/normandie-numerique.xml',
        rel: 'self',
        type: 'application/rss+xml',
      },
      { href: HUB, rel: 'hub' },
    ]);
    assert.equal(channel['itunes:new-feed-url'], 'https://ailleurs.example.net/flux.xml?a=1&b=2');
  });

  it('says nothing of either when there is neither', () => {
    const channel = parse(head({}));
    assert.equal((channel['atom:link'] as { rel: string }).rel, 'self');
    assert.equal(channel['itunes:new-feed-url'], undefined);
  });
});
