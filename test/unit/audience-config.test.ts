/** Issue 12: where counting happens by configuration, and which URLs go through the counting redirect. */
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../../src/core/config.js';
import { mediaBase, publishedMediaUrls, withPlayerMark } from '../../src/core/urls.js';

const BASE = { PUBLIC_URL: 'https://podcasts.example.org' };
const CDN = 'https://cdn.example.org/media';

describe('audience: configuration and URLs', () => {
  it('counts at /media by default, at the counting redirect in front of a CDN, nowhere when off', () => {
    const plain = loadConfig(BASE);
    assert.equal(plain.audience.countAt, 'media');
    assert.equal(plain.audience.aggregateEveryMs, 60_000);
    assert.equal(plain.media.audioBase, 'https://podcasts.example.org/media');

    const cdn = loadConfig({ ...BASE, MEDIA_PUBLIC_URL: CDN, AUDIENCE_AGGREGATE_SECONDS: '15' });
    assert.equal(cdn.audience.countAt, 'redirect');
    assert.equal(cdn.audience.aggregateEveryMs, 15_000);
    assert.equal(cdn.media.publicBase, CDN);
    assert.equal(cdn.media.audioBase, 'https://podcasts.example.org/listen');

    const off = loadConfig({ ...BASE, MEDIA_PUBLIC_URL: CDN, AUDIENCE: 'off' });
    assert.equal(off.audience.countAt, null);
    assert.equal(off.media.audioBase, CDN);
  });

  it('refuses values it does not know', () => {
    assert.throws(() => loadConfig({ ...BASE, AUDIENCE: 'maybe' }), ConfigError);
    assert.throws(() => loadConfig({ ...BASE, AUDIENCE_AGGREGATE_SECONDS: '0' }), ConfigError);
  });

  it('sends only episode audio through the counting redirect', () => {
    const url = publishedMediaUrls(
      mediaBase(CDN),
      { id: 'ep1', publicationKey: 'pk' },
      mediaBase('https://podcasts.example.org/listen'),
    );
    assert.equal(
      url('public/episodes/ep1/mp3-128k-0123456789ab.mp3'),
      'https://podcasts.example.org/listen/p/pk/public/episodes/ep1/mp3-128k-0123456789ab.mp3',
    );
    for (const key of [
      'public/episodes/ep1/peaks-0123456789ab.json',
      'public/episodes/ep1/transcript-0123456789ab.vtt',
      'public/episodes/ep1/chapters-0123456789ab.chapters.json',
      'public/clips/c1/clip-0123456789ab.mp3',
    ]) {
      assert.equal(url(key), `${CDN}/p/pk/${key}`, key);
    }
    assert.equal(withPlayerMark('https://x/a.mp3'), 'https://x/a.mp3?via=player');
    assert.equal(withPlayerMark('https://x/a.mp3?t=1'), 'https://x/a.mp3?t=1&via=player');
  });
});
