/**
 * Issue 14, player weight: a processed episode (real pipeline) and its clip
 * have both peak sets, the embed reads only the light one, an episode or clip
 * processed before the light set existed gets one on first view (stored,
 * recorded, made once); /media compresses text media (br/gzip by
 * Accept-Encoding, Vary, an ETag and Content-Length per encoding) and never a
 * Range answer or audio; everything else the player fetches is compressed too.
 */
import assert from 'node:assert/strict';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { MP3_ONLY_LADDER, uploadEpisode, useTestApp, waitForEpisode } from '../helpers/app.js';
import { rawRequest } from '../helpers/http.js';
import { interview } from '../fixtures/audio.js';
import { parseWaveformJson, PLAYER_PEAKS_MAX_BARS, playerPeaks } from '../../src/media/peaks.js';
import type { BlobStorage } from '../../src/storage/blob-storage.js';

async function stored(storage: BlobStorage, key: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await storage.openRead(key)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The storage key a /media URL of a published file names. */
const keyOfUrl = (url: string) => {
  const match = /\/media\/p\/[^/]+\/(public\/.+)$/.exec(new URL(url).pathname);
  assert.ok(match, url);
  return match[1]!;
};

const decode = (body: Buffer, coding: string | undefined) =>
  coding === 'br' ? brotliDecompressSync(body) : coding === 'gzip' ? gunzipSync(body) : body;

describe('player weight: light peaks for the embed, compressed text media', function () {
  // Processes a speech file with ffmpeg, then cuts a clip.
  this.timeout(120_000);
  // The player plays the MP3 (the enclosure), the only rendition read: the show encodes it alone.
  const app = useTestApp({ engine: 'pglite' }, { ladder: MP3_ONLY_LADDER });
  let episodeId: string;
  let clipId: string;

  const embedPage = async (path: string) => {
    const res = await fetch(`${app.baseUrl}${path}`);
    assert.equal(res.status, 200);
    return res.text();
  };
  const peaksUrlOf = (html: string) => {
    const match = /data-peaks="([^"]*)"/.exec(html);
    assert.ok(match && match[1], 'the player has a peaks URL');
    return match[1].replaceAll('&amp;', '&');
  };

  before(async () => {
    const upload = await uploadEpisode(app, await interview());
    episodeId = ((await upload.json()) as { id: string }).id;
    const ready = await waitForEpisode(app.baseUrl, episodeId);
    assert.equal(ready.state, 'ready');
    const published = await app.authed(`/api/episodes/${episodeId}/publish`, { method: 'POST' });
    assert.equal(published.status, 200, await published.clone().text());
    const clip = await app.authed(`/api/episodes/${episodeId}/clips`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'L’essentiel', start: 0.5, end: 11.5 }),
    });
    assert.equal(clip.status, 202, await clip.clone().text());
    clipId = ((await clip.json()) as { id: string }).id;
    for (let i = 0; i < 600; i++) {
      if ((await app.antenne.repos.clips.findById(clipId))?.state === 'ready') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal((await app.antenne.repos.clips.findById(clipId))?.state, 'ready');
  });

  it('stores both sets for a processed episode and a clip: the light one made from the full one', async () => {
    const episode = (await app.antenne.repos.episodes.findById(episodeId))!;
    const clip = (await app.antenne.repos.clips.findById(clipId))!;
    for (const owner of [episode, clip]) {
      assert.ok(owner.peaksKey && owner.playerPeaksKey);
      assert.match(owner.playerPeaksKey, /\/player-peaks-[0-9a-f]{12}\.json$/);
      const full = parseWaveformJson(
        (await stored(app.antenne.storage, owner.peaksKey)).toString(),
      );
      const light = parseWaveformJson(
        (await stored(app.antenne.storage, owner.playerPeaksKey)).toString(),
      );
      // About 12 s of speech at one pixel per 10 ms: the light set has fewer, wider bars.
      assert.ok(full.length > PLAYER_PEAKS_MAX_BARS, `${full.length} pixels`);
      assert.ok(light.length <= PLAYER_PEAKS_MAX_BARS && light.length < full.length);
      assert.deepEqual(light, playerPeaks(full));
    }
  });

  it('gives the embed (episode, clip, public page) the light set, never the full one', async () => {
    const episode = (await app.antenne.repos.episodes.findById(episodeId))!;
    const clip = (await app.antenne.repos.clips.findById(clipId))!;
    for (const [path, owner] of [
      [`/embed/episodes/${episodeId}`, episode],
      [`/episodes/${episodeId}`, episode],
      [`/embed/clips/${clipId}`, clip],
    ] as const) {
      const url = peaksUrlOf(await embedPage(path));
      assert.equal(keyOfUrl(url), owner.playerPeaksKey, path);
      const answer = await fetch(url);
      assert.equal(answer.status, 200);
      const light = (await answer.json()) as { length: number };
      assert.ok(light.length <= PLAYER_PEAKS_MAX_BARS);
    }
    // The studio's clip editor still reads the full resolution.
    const studio = (await (await app.authed(`/api/episodes/${episodeId}`)).json()) as {
      peaksUrl: string;
    };
    assert.ok(studio.peaksUrl.includes(episode.peaksKey!.split('/').pop()!));
  });

  it('derives, stores and records the light set of an episode and a clip processed before it existed, once', async () => {
    const { db } = app.antenne.db;
    const { storage } = app.antenne;
    const before = {
      episode: (await app.antenne.repos.episodes.findById(episodeId))!,
      clip: (await app.antenne.repos.clips.findById(clipId))!,
    };
    // As a file processed before this change: full peaks only.
    await db.updateTable('episodes').set({ player_peaks_key: null }).execute();
    await db.updateTable('clips').set({ player_peaks_key: null }).execute();
    await storage.delete(before.episode.playerPeaksKey!);
    await storage.delete(before.clip.playerPeaksKey!);

    for (const [path, load, full] of [
      [
        `/embed/episodes/${episodeId}`,
        () => app.antenne.repos.episodes.findById(episodeId),
        before.episode.peaksKey!,
      ],
      [
        `/embed/clips/${clipId}`,
        () => app.antenne.repos.clips.findById(clipId),
        before.clip.peaksKey!,
      ],
    ] as const) {
      // A burst of first views makes one set.
      const pages = await Promise.all([embedPage(path), embedPage(path), embedPage(path)]);
      const urls = new Set(pages.map(peaksUrlOf));
      assert.equal(urls.size, 1);
      const key = keyOfUrl([...urls][0]!);
      assert.notEqual(key, full);
      assert.equal((await load())?.playerPeaksKey, key, 'recorded');
      const light = parseWaveformJson((await stored(storage, key)).toString());
      const fullSet = parseWaveformJson((await stored(storage, full)).toString());
      assert.deepEqual(light, playerPeaks(fullSet));
      // Next view: the recorded key, nothing made again.
      assert.equal(peaksUrlOf(await embedPage(path)), [...urls][0]);
    }
    assert.equal(
      (await app.antenne.repos.episodes.findById(episodeId))?.playerPeaksKey,
      before.episode.playerPeaksKey,
      'derived later or by the worker: the same file',
    );
  });

  it('answers text media br or gzip by Accept-Encoding, with Vary, its own ETag and length, 304 on it', async () => {
    const url = peaksUrlOf(await embedPage(`/embed/episodes/${episodeId}`));
    const original = await stored(app.antenne.storage, keyOfUrl(url));
    const identity = await rawRequest(url);
    assert.equal(identity.headers['content-encoding'], undefined);
    assert.match(String(identity.headers.vary), /Accept-Encoding/i);
    assert.deepEqual(identity.body, original);

    const etags = new Set([identity.headers.etag]);
    for (const [accept, coding] of [
      ['br', 'br'],
      ['gzip, deflate, br', 'br'],
      ['gzip', 'gzip'],
      ['br;q=0.5, gzip', 'gzip'],
    ] as const) {
      const res = await rawRequest(url, { headers: { 'accept-encoding': accept } });
      assert.equal(res.status, 200);
      assert.equal(res.headers['content-encoding'], coding, accept);
      assert.match(String(res.headers.vary), /Accept-Encoding/i);
      assert.equal(Number(res.headers['content-length']), res.body.length);
      assert.ok(res.body.length < original.length / 2, `${accept}: ${res.body.length} bytes`);
      assert.deepEqual(decode(res.body, coding), original, 'decompressed = stored');
      assert.equal(res.headers['access-control-allow-origin'], '*');
      assert.match(String(res.headers['content-type']), /^application\/json/);
      etags.add(res.headers.etag);
      const again = await rawRequest(url, {
        headers: { 'accept-encoding': accept, 'if-none-match': res.headers.etag! },
      });
      assert.equal(again.status, 304);
      const head = await rawRequest(url, {
        method: 'HEAD',
        headers: { 'accept-encoding': accept },
      });
      assert.equal(head.headers['content-length'], res.headers['content-length']);
      assert.equal(head.headers.etag, res.headers.etag);
    }
    assert.equal(etags.size, 3, 'identity, br and gzip: one ETag each');
  });

  it('answers a Range request and audio as stored, whatever Accept-Encoding says', async () => {
    const peaks = peaksUrlOf(await embedPage(`/embed/episodes/${episodeId}`));
    const original = await stored(app.antenne.storage, keyOfUrl(peaks));
    const ranged = await rawRequest(peaks, {
      headers: { 'accept-encoding': 'br, gzip', range: 'bytes=0-99' },
    });
    assert.equal(ranged.status, 206);
    assert.equal(ranged.headers['content-encoding'], undefined);
    assert.deepEqual(ranged.body, original.subarray(0, 100));

    const html = await embedPage(`/embed/episodes/${episodeId}`);
    const audioUrl = /<audio[^>]* src="([^"#]+)/.exec(html)![1]!.replaceAll('&amp;', '&');
    const audio = await rawRequest(audioUrl, { headers: { 'accept-encoding': 'br, gzip' } });
    assert.equal(audio.status, 200);
    assert.equal(audio.headers['content-type'], 'audio/mpeg');
    assert.equal(audio.headers['content-encoding'], undefined);
    assert.equal(audio.headers.vary, undefined);
    assert.equal(audio.headers['accept-ranges'], 'bytes');
  });

  it('compresses chapters and transcripts on /media, and the page, script, style and oEmbed', async () => {
    const chapters = await app.authed(`/api/episodes/${episodeId}/chapters`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        version: '1.2.0',
        chapters: Array.from({ length: 12 }, (_, i) => ({
          startTime: i,
          title: `Chapitre ${i} : la « fibre » et l’État`,
        })),
      }),
    });
    assert.equal(chapters.status, 200, await chapters.clone().text());
    const cues = Array.from(
      { length: 40 },
      (_, i) =>
        `00:${String(i).padStart(2, '0')}.000 --> 00:${String(i).padStart(2, '0')}.900\n<v Marie>Bonjour, « numérique » ! Phrase ${i}.\n`,
    ).join('\n');
    const transcript = await app.authed(`/api/episodes/${episodeId}/transcript`, {
      method: 'PUT',
      headers: { 'content-type': 'text/vtt' },
      body: `WEBVTT\n\n${cues}`,
    });
    assert.equal(transcript.status, 200, await transcript.clone().text());
    const view = (await transcript.json()) as { chaptersUrl: string; transcript: { url: string } };
    for (const url of [view.chaptersUrl, view.transcript.url]) {
      const res = await rawRequest(url, { headers: { 'accept-encoding': 'gzip, deflate, br' } });
      assert.equal(res.status, 200, url);
      assert.equal(res.headers['content-encoding'], 'br', url);
      const plain = await rawRequest(url);
      assert.deepEqual(decode(res.body, 'br'), plain.body);
      assert.match(decode(res.body, 'br').toString(), /« (fibre|numérique) »/);
    }

    const html = await embedPage(`/embed/episodes/${episodeId}`);
    const assets = [...html.matchAll(/(?:src|href)="(\/embed\/assets\/[^"]+)"/g)].map((m) => m[1]!);
    assert.equal(assets.length, 2, html);
    const pageUrl = `${app.baseUrl}/episodes/${episodeId}`;
    for (const path of [
      `/embed/episodes/${episodeId}`,
      `/embed/clips/${clipId}`,
      `/episodes/${episodeId}`,
      ...assets,
      `/oembed?url=${encodeURIComponent(pageUrl)}&format=json`,
      `/oembed?url=${encodeURIComponent(pageUrl)}&format=xml`,
    ]) {
      const res = await rawRequest(`${app.baseUrl}${path}`, {
        headers: { 'accept-encoding': 'gzip, deflate, br' },
      });
      assert.equal(res.status, 200, path);
      assert.equal(res.headers['content-encoding'], 'br', path);
    }
  });
});
