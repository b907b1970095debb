/** Incremental rendering: reused fragments give the same bytes as a full render; changes show. */
import assert from 'node:assert/strict';
import type { Episode, Rendition } from '../../src/core/domain.js';
import type { FeedIndexRow, FeedSnapshot } from '../../src/db/repositories/feeds.repo.js';
import { buildPodcastFeed } from '../../src/feeds/podcast-feed.js';
import { renderFeeds } from '../../src/feeds/render.js';
import { pickEncoding } from '../../feeds/serve.js';
import { defaultMediaBase, publishedMediaUrl } from '../../src/http/media-urls.js';
import {
  FIXTURE_PUBLICATION_KEY,
  makeEpisode,
  makeRendition,
  makeShow,
} from '../helpers/feed-fixtures.js';

const PUBLIC = 'https://podcasts.example.org';

function snapshotOf(
  episodes: Episode[],
  renditions: Map<string, Rendition[]>,
  full: Set<string>,
): FeedSnapshot {
  const index: FeedIndexRow[] = episodes.map((e) => {
    const signature = `${e.updatedAt.getTime()}|${(renditions.get(e.id) ?? []).map((r) => r.storageKey).join(',')}`;
    return {
      id: e.id,
      updatedAt: e.updatedAt,
      publishedAt: e.article.publishedAt,
      signature,
      key: signature,
    };
  });
  return {
    show: makeShow(),
    index,
    episodes: episodes.filter((e) => full.has(e.id)),
    stored: new Map(),
    renditions,
    topics: [
      {
        id: 't1',
        showId: 'show1',
        slug: 'numerique',
        title: 'Numérique',
        category: 'Numérique',
        description: null,
        podcastGuid: '11111111-1111-5111-8111-111111111111',
        createdAt: new Date(),
      },
    ],
    sourceTime: new Date(),
  };
}

describe('incremental feed rendering', () => {
  const episodes = [makeEpisode(), makeEpisode({ title: 'Sport « local »' }), makeEpisode()];
  episodes[1] = { ...episodes[1]!, article: { ...episodes[1]!.article, categories: ['Sport'] } };
  const renditions = new Map(
    episodes.map((e) => [e.id, [makeRendition(e.id, 'mp3-128k'), makeRendition(e.id, 'aac-64k')]]),
  );
  const all = new Set(episodes.map((e) => e.id));
  const bites = new Map([
    [episodes[0]!.id, [{ startTime: 5, duration: 20, title: 'Extrait « choisi »' }]],
  ]);

  it('renders the same bytes as the plain builder, soundbites included', async () => {
    const { feeds } = await renderFeeds(
      snapshotOf(episodes, renditions, all),
      new Map(),
      PUBLIC,
      bites,
    );
    const expected = buildPodcastFeed({
      show: makeShow(),
      feedUrl: `${PUBLIC}/feeds/normandie-numerique.xml`,
      mediaUrl: (k) => publishedMediaUrl(defaultMediaBase(PUBLIC), FIXTURE_PUBLICATION_KEY, k),
      entries: episodes.map((episode) => ({
        episode,
        enclosure: renditions.get(episode.id)![0]!,
        alternates: [renditions.get(episode.id)![1]!],
        soundbites: bites.get(episode.id) ?? [],
      })),
    });
    assert.equal(feeds[0]!.body.toString(), expected);
    assert.equal(feeds[0]!.itemCount, 3);
    assert.match(
      feeds[0]!.body.toString(),
      /<podcast:soundbite startTime="5" duration="20">Extrait « choisi »<\/podcast:soundbite>/,
    );
  });

  it('reuses unchanged items and re-renders only what the snapshot carries', async () => {
    const first = await renderFeeds(snapshotOf(episodes, renditions, all), new Map(), PUBLIC);
    // Episode 2 edited: only its row comes in full.
    const edited = {
      ...episodes[2]!,
      updatedAt: new Date(Date.now() + 1000),
      article: { ...episodes[2]!.article, title: 'Titre corrigé « ok »' },
    };
    const next = [episodes[0]!, episodes[1]!, edited];
    const second = await renderFeeds(
      snapshotOf(next, renditions, new Set([edited.id])),
      first.fragments,
      PUBLIC,
    );
    const full = await renderFeeds(snapshotOf(next, renditions, all), new Map(), PUBLIC);
    assert.equal(second.feeds[0]!.body.toString(), full.feeds[0]!.body.toString());
    assert.match(second.feeds[0]!.body.toString(), /Titre corrigé « ok »/);
  });

  it('builds topic feeds from article categories, and leaves out episodes without an MP3', async () => {
    const noMp3 = new Map(renditions);
    noMp3.set(episodes[2]!.id, [makeRendition(episodes[2]!.id, 'aac-64k')]);
    const { feeds } = await renderFeeds(snapshotOf(episodes, noMp3, all), new Map(), PUBLIC);
    assert.equal(feeds[0]!.itemCount, 2);
    assert.equal(feeds[1]!.key, 'show1/numerique');
    assert.equal(feeds[1]!.itemCount, 1, 'only the “Numérique” episode with an MP3');
    assert.match(feeds[1]!.body.toString(), /<title>Numérique<\/title>/);
    assert.match(
      feeds[1]!.body.toString(),
      /<podcast:guid>11111111-1111-5111-8111-111111111111<\/podcast:guid>/,
    );
  });
});

describe('Accept-Encoding negotiation', () => {
  it('picks br, then gzip, honouring q-values', () => {
    const cases: [string | undefined, string][] = [
      [undefined, 'identity'],
      ['gzip', 'gzip'],
      ['gzip, deflate, br', 'br'],
      ['gzip, deflate', 'gzip'],
      ['identity', 'identity'],
      ['br;q=0, gzip', 'gzip'],
      ['gzip;q=1.0, br;q=0.5', 'gzip'],
      ['*', 'br'],
      ['gzip;q=0', 'identity'],
      ['deflate', 'identity'],
    ];
    for (const [header, expected] of cases)
      assert.equal(pickEncoding(header), expected, String(header));
  });
});
