/**
 * The feed builder, read back by two independent parsers (rss-parser and the
 * Podcast Index's podcast-partytime): every channel and item field round-trips,
 * French text intact, and markup-looking text stays text.
 */
import assert from 'node:assert/strict';
import { parseFeed } from 'podcast-partytime';
import Parser from 'rss-parser';
import { buildPodcastFeed, type FeedEntry } from '../../src/feeds/podcast-feed.js';
import { makeEpisode, makeRendition, makeShow } from '../helpers/feed-fixtures.js';

const PUBLIC = 'https://podcasts.example.org';
const mediaUrl = (key: string) => `${PUBLIC}/media/${key}`;
const FEED_URL = `${PUBLIC}/feeds/normandie-numerique.xml`;

type Attr = { _?: string; $: Record<string, string> };
interface RssItem {
  title?: string;
  itunesTitle?: string;
  link?: string;
  content?: string;
  contentEncoded?: string;
  guid?: string;
  pubDate?: string;
  creator?: string;
  categories?: string[];
  enclosure?: { url: string; length?: string; type?: string };
  contentLink?: Attr[];
  persons?: Attr[];
  transcript?: Attr;
  chapters?: Attr;
  location?: Attr[];
  soundbites?: Attr[];
  alternates?: (Attr & { 'podcast:source'?: { $: { uri: string } }[] })[];
  itunes?: Record<string, unknown> & {
    image?: string;
    duration?: string;
    explicit?: string;
    episodeType?: string;
    season?: string;
    episode?: string;
    author?: string;
  };
}

const rssParser = new Parser<Record<string, unknown>, RssItem>({
  customFields: {
    feed: [
      ['atom:link', 'atomLink'],
      ['podcast:guid', 'podcastGuid'],
      ['podcast:locked', 'podcastLocked'],
      ['podcast:medium', 'podcastMedium'],
      ['podcast:txt', 'podcastTxt'],
    ] as never,
    item: [
      ['itunes:title', 'itunesTitle'],
      ['content:encoded', 'contentEncoded'],
      ['podcast:contentLink', 'contentLink', { keepArray: true }],
      ['podcast:person', 'persons', { keepArray: true }],
      ['podcast:transcript', 'transcript'],
      ['podcast:chapters', 'chapters'],
      ['podcast:location', 'location', { keepArray: true }],
      ['podcast:soundbite', 'soundbites', { keepArray: true }],
      ['podcast:alternateEnclosure', 'alternates', { keepArray: true }],
    ] as never,
  },
});

function entry(overrides: Parameters<typeof makeEpisode>[0] = {}): FeedEntry {
  const episode = makeEpisode(overrides);
  return {
    episode,
    enclosure: makeRendition(episode.id, 'mp3-128k'),
    alternates: [makeRendition(episode.id, 'aac-64k'), makeRendition(episode.id, 'opus-48k')],
    soundbites: [{ startTime: 12.5, duration: 30, title: 'La « phrase » clé' }],
  };
}

describe('podcast feed builder', () => {
  const show = makeShow();
  const hostile = entry({
    title: 'Tom & Jerry <script>alert("x")</script> ]]> « fin »',
    summary:
      '<p>Texte &amp; suite : &lt;script&gt;alert(1)&lt;/script&gt; et ]]&gt; restent du texte.</p><script>alert("pwned")</script><p onclick="x()">clic</p>',
  });
  const plain = entry();
  const entries = [hostile, plain];
  const xml = buildPodcastFeed({ show, entries, feedUrl: FEED_URL, mediaUrl });

  it('round-trips every channel field through rss-parser', async () => {
    const feed = await rssParser.parseString(xml);
    assert.equal(feed.title, show.title);
    assert.equal(feed.link, show.siteUrl);
    assert.equal(feed.description, show.description);
    assert.equal(feed.language, 'fr');
    assert.equal(feed.copyright, show.copyright);
    const f = feed as unknown as Record<string, unknown> & { itunes: Record<string, unknown> };
    assert.equal((f.atomLink as Attr).$.href, FEED_URL);
    assert.equal((f.atomLink as Attr).$.rel, 'self');
    assert.equal(f.podcastGuid, show.podcastGuid);
    // rss-parser keeps the text of channel-level custom fields (owner: see partytime below).
    assert.equal(f.podcastLocked, 'yes');
    assert.equal(f.podcastMedium, 'podcast');
    assert.equal(f.podcastTxt, 'vérification « ok »');
    assert.equal(f.itunes.image, mediaUrl(show.artworkKey!));
    assert.deepEqual(f.itunes.owner, { name: show.owner.name, email: show.owner.email });
    assert.equal(f.itunes.author, show.author);
    assert.equal(f.itunes.explicit, 'false');
    assert.deepEqual(f.itunes.categories, ['News']);
    assert.deepEqual(f.itunes.categoriesWithSubs, [{ name: 'News', subs: [{ name: 'Politics' }] }]);
  });

  it('round-trips every item field through rss-parser, markup-looking text staying text', async () => {
    const feed = await rssParser.parseString(xml);
    assert.equal(feed.items.length, 2);
    const [a, b] = feed.items as [RssItem, RssItem];
    assert.equal(a.title, 'Tom & Jerry <script>alert("x")</script> ]]> « fin »');
    assert.equal(a.itunesTitle, a.title);
    // Markup-looking text is only ever character data: escaped, or inside CDATA.
    const outsideCdata = xml.replace(/<!\[CDATA\[[\s\S]*?\]\]>/g, '');
    assert.ok(!outsideCdata.includes('<script>'), 'no <script> element anywhere in the XML');
    // The summary: sanitised HTML whose text still shows the characters.
    assert.equal(
      a.contentEncoded,
      '<p>Texte &amp; suite : &lt;script&gt;alert(1)&lt;/script&gt; et ]]&gt; restent du texte.</p><p>clic</p>',
    );
    assert.doesNotMatch(a.contentEncoded, /pwned|onclick/);
    assert.equal(a.content, a.contentEncoded);

    const e = plain.episode;
    assert.equal(b.title, e.article.title, 'French title intact');
    assert.equal(b.link, e.article.url);
    assert.equal(b.guid, e.guid);
    // Neither parser exposes the attribute: read it from the XML itself.
    assert.ok(xml.includes(`<guid isPermaLink="false">${e.guid}</guid>`));
    assert.equal(new Date(b.pubDate!).toISOString(), e.article.publishedAt.toISOString());
    assert.equal(b.creator, 'Marie Lefèvre');
    assert.deepEqual(b.categories, ['Événements', 'Numérique']);
    assert.deepEqual(
      { ...b.enclosure },
      {
        url: mediaUrl(plain.enclosure.storageKey),
        length: '982345',
        type: 'audio/mpeg',
      },
    );
    assert.equal(b.itunes?.duration, '61');
    assert.equal(b.itunes?.image, e.article.imageUrl);
    assert.equal(b.itunes?.explicit, 'false');
    assert.equal(b.itunes?.episodeType, 'full');
    assert.equal(b.itunes?.season, '2');
    assert.equal(b.itunes?.episode, String(e.feed!.episodeNumber));
    assert.equal(b.itunes?.author, 'Marie Lefèvre');
    assert.equal(b.contentLink?.[0]?.$.href, e.article.url);
    assert.deepEqual(
      b.persons?.map((p) => [p._, p.$.role]),
      [
        ['Marie Lefèvre', 'host'],
        ['Mounir Mahjoubi', 'guest'],
        ['Hervé Morin', 'guest'],
      ],
    );
    assert.deepEqual(
      { ...b.transcript?.$ },
      {
        url: mediaUrl(e.feed!.transcript!.key),
        type: 'text/vtt',
        language: 'fr',
      },
    );
    assert.deepEqual(
      { ...b.chapters?.$ },
      {
        url: mediaUrl(e.feed!.chaptersKey!),
        type: 'application/json+chapters',
      },
    );
    assert.equal(b.location?.[0]?._, 'Caen, Normandie');
    assert.equal(b.location?.[0]?.$.geo, 'geo:49.18,-0.37');
    assert.equal(b.location?.[0]?.$.osm, 'R7444');
    assert.deepEqual(
      b.soundbites?.map((s) => [s._, s.$.startTime, s.$.duration]),
      [['La « phrase » clé', '12.5', '30']],
    );
    assert.deepEqual(
      b.alternates?.map((alt) => [alt.$.type, alt.$.length, alt['podcast:source']?.[0]?.$.uri]),
      [
        ['audio/x-m4a', '491520', mediaUrl(plain.alternates![0]!.storageKey)],
        ['audio/ogg', '982345', mediaUrl(plain.alternates![1]!.storageKey)],
      ],
    );
  });

  it('round-trips through podcast-partytime (Podcast Index)', () => {
    const feed = parseFeed(xml, { allowMissingGuid: false });
    assert.ok(feed, 'partytime parses the feed');
    assert.equal(feed.title, show.title);
    assert.equal(feed.guid, show.podcastGuid);
    assert.equal(feed.locked, true);
    assert.equal(feed.podcastOwner, show.owner.email);
    assert.equal(feed.medium, 'podcast');
    assert.equal(feed.itunesImage, mediaUrl(show.artworkKey!));
    assert.deepEqual(feed.owner, { name: show.owner.name, email: show.owner.email });
    assert.equal(feed.explicit, false);
    assert.equal(feed.pubsub?.self, FEED_URL);
    assert.deepEqual(
      feed.podcastTxt?.map((t) => t.value),
      ['vérification « ok »'],
    );
    assert.equal(feed.items.length, 2);

    const hostileItem = feed.items.find((i) => i.guid === hostile.episode.guid)!;
    assert.equal(hostileItem.title, 'Tom & Jerry <script>alert("x")</script> ]]> « fin »');

    const item = feed.items.find((i) => i.guid === plain.episode.guid)!;
    const e = plain.episode;
    assert.equal(item.title, e.article.title);
    assert.equal(item.link, e.article.url);
    assert.equal(item.pubDate?.toISOString(), e.article.publishedAt.toISOString());
    assert.equal(item.author, 'Marie Lefèvre');
    assert.equal(item.enclosure.url, mediaUrl(plain.enclosure.storageKey));
    assert.equal(item.enclosure.length, 982345);
    assert.equal(item.enclosure.type, 'audio/mpeg');
    assert.equal(item.duration, 61);
    assert.equal(item.explicit, false);
    assert.equal(item.itunesEpisodeType, 'full');
    assert.equal(item.itunesSeason, 2);
    assert.equal(item.itunesEpisode, e.feed!.episodeNumber);
    assert.equal(item.itunesImage ?? item.image, e.article.imageUrl);
    assert.match(item.content ?? '', /secrétaire d’État chargée du <strong>numérique<\/strong>/);
    assert.deepEqual(
      item.podcastPeople?.map((p) => [p.name, p.role.toLowerCase()]),
      [
        ['Marie Lefèvre', 'host'],
        ['Mounir Mahjoubi', 'guest'],
        ['Hervé Morin', 'guest'],
      ],
    );
    assert.deepEqual(
      item.podcastTranscripts?.map((t) => [t.url, t.type]),
      [[mediaUrl(e.feed!.transcript!.key), 'text/vtt']],
    );
    assert.equal(item.podcastChapters?.url, mediaUrl(e.feed!.chaptersKey!));
    assert.equal(item.podcastChapters?.type, 'application/json+chapters');
    assert.equal(item.podcastLocation?.name, 'Caen, Normandie');
    assert.equal(item.podcastLocation?.geo, 'geo:49.18,-0.37');
    assert.equal(item.podcastLocation?.osm, 'R7444');
    assert.deepEqual(
      item.podcastSoundbites?.map((s) => [s.title, s.startTime, s.duration]),
      [['La « phrase » clé', 12.5, 30]],
    );
    assert.deepEqual(
      item.alternativeEnclosures?.map((a) => [
        a.type,
        a.length,
        a.source[0]?.uri,
        a.integrity?.type,
      ]),
      [
        ['audio/x-m4a', 491520, mediaUrl(plain.alternates![0]!.storageKey), 'sri'],
        ['audio/ogg', 982345, mediaUrl(plain.alternates![1]!.storageKey), 'sri'],
      ],
    );
  });

  it('is deterministic: the same data gives the same bytes', () => {
    assert.equal(buildPodcastFeed({ show, entries, feedUrl: FEED_URL, mediaUrl }), xml);
  });

  it('dates lastBuildDate from the data, without touching the global clock', async () => {
    const RealDate = Date;
    const latest = [show.updatedAt, ...entries.map((e) => e.episode.updatedAt)].reduce((a, b) =>
      b > a ? b : a,
    );
    const feed = await rssParser.parseString(xml);
    assert.equal(feed.lastBuildDate, latest.toUTCString());
    assert.equal(globalThis.Date, RealDate);
    // A title that looks like the element stays text, and is not taken for it.
    const tricky = entry({ title: '<lastBuildDate>Mon, 01 Jan 2001 00:00:00 GMT</lastBuildDate>' });
    const out = buildPodcastFeed({ show, entries: [tricky], feedUrl: FEED_URL, mediaUrl });
    assert.equal((await rssParser.parseString(out)).lastBuildDate, latest.toUTCString());
  });

  it('drops characters XML forbids instead of breaking the document', async () => {
    const bad = entry({ title: 'Bip\u0007 \u0000« ok »\uD800' });
    const out = buildPodcastFeed({ show, entries: [bad], feedUrl: FEED_URL, mediaUrl });
    const feed = await rssParser.parseString(out);
    assert.equal(feed.items[0]?.title, 'Bip « ok »');
  });

  it('keeps descriptions within Apple’s 4000 bytes, the full text in content:encoded', async () => {
    const long = entry({ summary: `<p>${'é'.repeat(3000)}</p>` });
    const out = buildPodcastFeed({ show, entries: [long], feedUrl: FEED_URL, mediaUrl });
    const feed = await rssParser.parseString(out);
    const item = feed.items[0]!;
    assert.ok(Buffer.byteLength(item.content!, 'utf8') <= 4000);
    assert.equal(item.contentEncoded, `<p>${'é'.repeat(3000)}</p>`);
  });
});
