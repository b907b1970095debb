/** The feed check finds what Apple or the namespace would reject, on feeds we did not build. */
import assert from 'node:assert/strict';
import { checkFeed } from '../../src/feeds/check.js';
import { buildPodcastFeed } from '../../src/feeds/podcast-feed.js';
import { makeEpisode, makeRendition, makeShow } from '../helpers/feed-fixtures.js';

const mediaUrl = (key: string) => `https://cdn.example.org/${key}`;

describe('feed check', () => {
  it('finds nothing wrong in a feed from our builder', async () => {
    const e = makeEpisode();
    const xml = buildPodcastFeed({
      show: makeShow(),
      entries: [
        {
          episode: e,
          enclosure: makeRendition(e.id, 'mp3-128k'),
          alternates: [makeRendition(e.id, 'aac-64k')],
        },
      ],
      feedUrl: 'https://podcasts.example.org/feeds/x.xml',
      mediaUrl,
    });
    const result = await checkFeed(xml);
    assert.deepEqual(result.problems, []);
    assert.equal(result.ok, true);
  });

  it('lists missing required tags, bad categories, duplicate guids and long descriptions', async () => {
    const long = 'é'.repeat(2100);
    const xml = `<?xml version="1.0"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" xmlns:podcast="https://podcastindex.org/namespace/1.0">
<channel>
  <title>Émission</title>
  <description>${long}</description>
  <itunes:category text="Actualités"/>
  <itunes:explicit>yes</itunes:explicit>
  <podcast:guid>not-a-uuid</podcast:guid>
  <podcast:medium>radio</podcast:medium>
  <item><title>Un</title><guid>a</guid><pubDate>Thu, 31 May 2018 07:30:00 GMT</pubDate>
    <enclosure url="https://x/a.mp3" length="10" type="audio/mpeg"/>
    <podcast:chapters url="https://x/c.json" type="application/json"/></item>
  <item><title>Deux</title><guid>a</guid><pubDate>hier</pubDate><description>${long}</description>
    <enclosure url="https://x/b.mp3" type="audio/mpeg"/></item>
</channel></rss>`;
    const result = await checkFeed(xml);
    assert.equal(result.ok, false);
    const errors = result.problems
      .filter((p) => p.severity === 'error')
      .map((p) => `${p.where}: ${p.message}`);
    const expect = [
      /^channel: <description> is 4200 bytes/,
      /^channel: <itunes:explicit> is "yes"/,
      /^channel: <itunes:category text="Actualités"> is not an Apple Podcasts category/,
      /^channel: <itunes:image href> is required/,
      /^channel: <podcast:guid> "not-a-uuid" is not a UUID/,
      /^channel: <podcast:medium> "radio"/,
      /^item a: <podcast:chapters type> must be application\/json\+chapters/,
      /^item a: <description> is 4200 bytes/,
      /^item a: <pubDate> is missing or not a date/,
      /^item a: <enclosure length> must be the file size/,
      /^item a: The guid appears 2 times/,
    ];
    for (const pattern of expect)
      assert.ok(
        errors.some((e) => pattern.test(e)),
        `${pattern} in\n${errors.join('\n')}`,
      );
    assert.equal(errors.length, expect.length, errors.join('\n'));
  });

  it('says when the document is not XML or not RSS', async () => {
    assert.match((await checkFeed('<rss><channel>')).problems[0]!.message, /not well-formed/);
    assert.match((await checkFeed('<feed/>')).problems[0]!.message, /not an RSS 2.0 feed/);
  });
});
