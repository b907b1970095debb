/**
 * Issue 5: clips through the API and the worker (real ffmpeg, both database
 * engines), the repository's soundbite listing, the oEmbed provider's answers
 * and the embed pages' HTTP headers.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { ENGINES } from '../helpers/databases.js';
import { MP3_ONLY_LADDER, uploadEpisode, useTestApp, waitForEpisode } from '../helpers/app.js';
import { SHOW_INPUT } from '../fixtures/editorial.js';
import { ffprobeJson, tempDir } from '../helpers/audio.js';
import { interview } from '../fixtures/audio.js';

interface ClipBody {
  id: string;
  state: string;
  audioUrl: string | null;
  peaksUrl: string | null;
  durationSeconds: number | null;
  failureReason: string | null;
  links: { embed: string };
}

for (const engine of ENGINES) {
  describe(`clips and oEmbed (${engine})`, function () {
    // Longer than the layer’s timeout: processes speech, then cuts clips with ffmpeg.
    this.timeout(120_000);
    // Of the renditions, only the MP3 (the enclosure) is read: the show encodes it alone.
    const app = useTestApp({ engine }, { ladder: MP3_ONLY_LADDER });
    let work: string;
    let episodeId: string;
    let duration: number;

    const postClip = (body: unknown, auth = true) =>
      (auth
        ? (p: string, i: RequestInit) => app.authed(p, i)
        : (p: string, i: RequestInit) => fetch(`${app.baseUrl}${p}`, i))(
        `/api/episodes/${episodeId}/clips`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        },
      );

    async function waitForClip(id: string): Promise<ClipBody> {
      for (let i = 0; i < 300; i++) {
        const clip = (await (await app.authed(`/api/clips/${id}`)).json()) as ClipBody;
        if (clip.state === 'ready' || clip.state === 'failed') return clip;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error('clip not cut in time');
    }

    before(async () => {
      work = await tempDir();
      const upload = await uploadEpisode(app, await interview());
      episodeId = ((await upload.json()) as { id: string }).id;
      const ready = await waitForEpisode(app.baseUrl, episodeId);
      assert.equal(ready.state, 'ready');
      // Readers see published episodes only.
      const published = await app.authed(`/api/episodes/${episodeId}/publish`, { method: 'POST' });
      assert.equal(published.status, 200, await published.clone().text());
      duration = ready.durationSeconds as number;
    });

    after(async () => {
      await fs.rm(work, { recursive: true, force: true });
    });

    it('refuses clips without a token, out of the audio, too short or too long', async () => {
      assert.equal((await postClip({ title: 'x', start: 1, end: 3 }, false)).status, 401);
      const cases: [unknown, string][] = [
        [{ title: 'x', start: 1, end: 1.5 }, 'end'],
        [{ title: 'x', start: 0, end: 301 }, 'end'],
        [{ title: '', start: 1, end: 3 }, 'title'],
        [{ title: 'x', start: -1, end: 3 }, 'start'],
        [{ title: 'x', start: 1, end: duration + 5 }, 'end'],
        [{ title: 'x', start: duration + 1, end: duration + 3 }, 'start'],
      ];
      for (const [body, field] of cases) {
        const res = await postClip(body);
        assert.equal(res.status, 400, JSON.stringify(body));
        assert.match(res.headers.get('content-type') ?? '', /application\/problem\+json/);
        const problem = (await res.json()) as { errors: { field: string }[] };
        assert.ok(
          problem.errors.some((e) => e.field === field),
          JSON.stringify(problem),
        );
      }
      const unknown = await app.authed('/api/episodes/nope0000/clips', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ title: 'x', start: 1, end: 3 }),
      });
      assert.equal(unknown.status, 404);
    });

    it('cuts a clip into its own MP3 with its own peaks, listed for podcast:soundbite', async () => {
      const res = await postClip({
        title: 'La « Team Normandie », l’essentiel',
        start: 1.5,
        end: 4,
      });
      assert.equal(res.status, 202, await res.clone().text());
      const created = (await res.json()) as ClipBody;
      assert.equal(created.state, 'pending');
      assert.equal(created.links.embed, `${app.baseUrl}/embed/clips/${created.id}`);
      const clip = await waitForClip(created.id);
      assert.equal(clip.state, 'ready', String(clip.failureReason));
      assert.ok(clip.audioUrl && clip.peaksUrl);

      const mp3 = path.join(work, `clip-${engine}.mp3`);
      const audio = await fetch(clip.audioUrl);
      assert.equal(audio.headers.get('content-type'), 'audio/mpeg');
      await fs.writeFile(mp3, Buffer.from(await audio.arrayBuffer()));
      const probed = await ffprobeJson(mp3);
      assert.equal(probed.streams[0]?.codec_name, 'mp3');
      assert.ok(Math.abs(Number(probed.format.duration) - 2.5) < 0.1, probed.format.duration);
      assert.equal(probed.format.tags?.title, 'La « Team Normandie », l’essentiel');

      const peaks = (await (await fetch(clip.peaksUrl)).json()) as {
        version: number;
        length: number;
        data: number[];
        samples_per_pixel: number;
        sample_rate: number;
      };
      assert.equal(peaks.version, 2);
      assert.ok(
        Math.abs((peaks.length * peaks.samples_per_pixel) / peaks.sample_rate - 2.5) < 0.05,
      );
      // Faded in: the first 10 ms are near silence, whatever the speech there.
      assert.ok(
        Math.abs(peaks.data[0]!) <= 2 && Math.abs(peaks.data[1]!) <= 2,
        String(peaks.data.slice(0, 2)),
      );

      const listed = await app.antenne.repos.clips.listByEpisodes([episodeId, 'other']);
      assert.deepEqual(listed.get(episodeId), [
        {
          clipId: created.id,
          startTime: 1.5,
          duration: 2.5,
          title: 'La « Team Normandie », l’essentiel',
        },
      ]);
      assert.equal(listed.has('other'), false);

      // The clip is the episode's soundbite in the feed, rebuilt when the clip became ready.
      const feed = await fetch(`${app.baseUrl}/feeds/${SHOW_INPUT.slug}.xml`).then((r) => r.text());
      assert.match(
        feed,
        /<podcast:soundbite startTime="1\.5" duration="2\.5">La « Team Normandie », l’essentiel<\/podcast:soundbite>/,
      );
    });

    it('answers oEmbed for episode, clip and page URLs; 404 unknown, 501 format, sizes within max', async () => {
      const [clip] = (await (
        await app.authed(`/api/episodes/${episodeId}/clips`)
      ).json()) as ClipBody[];
      const urls = [
        `${app.baseUrl}/embed/episodes/${episodeId}`,
        `${app.baseUrl}/embed/clips/${clip!.id}`,
        `${app.baseUrl}/episodes/${episodeId}`,
      ];
      for (const url of urls) {
        const res = await fetch(
          `${app.baseUrl}/oembed?url=${encodeURIComponent(url)}&maxwidth=300&maxheight=100`,
        );
        assert.equal(res.status, 200);
        assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
        const body = (await res.json()) as Record<string, unknown>;
        for (const field of [
          'version',
          'type',
          'html',
          'width',
          'height',
          'title',
          'author_name',
          'provider_name',
          'provider_url',
        ])
          assert.ok(body[field] !== undefined, `${field} missing for ${url}`);
        assert.equal(body.version, '1.0');
        assert.equal(body.type, 'rich');
        assert.ok((body.width as number) <= 300 && (body.height as number) <= 100);
        assert.match(
          String(body.html),
          /^<iframe src="http:\/\/127\.0\.0\.1:\d+\/embed\/(episodes|clips)\/[a-z0-9]+" width="300" height="100"/,
        );
        assert.deepEqual(
          [body.thumbnail_url, body.thumbnail_width, body.thumbnail_height],
          [SHOW_INPUT.imageUrl, 1400, 1400],
        );
      }
      const xml = await fetch(
        `${app.baseUrl}/oembed?url=${encodeURIComponent(urls[0]!)}&format=xml`,
      );
      assert.equal(xml.status, 200);
      assert.match(xml.headers.get('content-type') ?? '', /^text\/xml/);
      const text = await xml.text();
      assert.match(
        text,
        /^<\?xml version="1.0" encoding="utf-8" standalone="yes"\?>\n<oembed><version>1.0<\/version><type>rich<\/type>/,
      );
      assert.match(text, /<html>&lt;iframe src=&quot;/);

      const status = async (q: string) => (await fetch(`${app.baseUrl}/oembed?${q}`)).status;
      assert.equal(
        await status(`url=${encodeURIComponent(`${app.baseUrl}/embed/episodes/zzz000`)}`),
        404,
      );
      assert.equal(
        await status(`url=${encodeURIComponent('https://elsewhere.example/episodes/abc')}`),
        404,
      );
      assert.equal(await status(`url=${encodeURIComponent(urls[0]!)}&format=yaml`), 501);
      assert.equal(await status(''), 400);
    });

    it('serves the player compressed, frameable anywhere, without cookies; download link per show', async () => {
      const url = `${app.baseUrl}/embed/episodes/${episodeId}`;
      const res = await fetch(url, { headers: { 'accept-encoding': 'br, gzip' } });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-encoding'), 'br');
      assert.equal(res.headers.get('x-frame-options'), null);
      assert.equal(res.headers.get('set-cookie'), null);
      const csp = res.headers.get('content-security-policy') ?? '';
      assert.match(csp, /frame-ancestors \*/);
      assert.match(csp, /default-src 'none'/);
      const html = await res.text();
      assert.match(html, /<audio class="ap-audio" controls preload="metadata"/);
      assert.doesNotMatch(html, /class="ap-dl"/);

      assert.equal(
        (await fetch(`${app.baseUrl}/api/shows/${SHOW_INPUT.slug}/player`, { method: 'PUT' }))
          .status,
        401,
      );
      const set = await app.authed(`/api/shows/${SHOW_INPUT.slug}/player`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ allowDownload: true }),
      });
      assert.deepEqual(await set.json(), { allowDownload: true });
      assert.match(
        await (await fetch(url)).text(),
        /<a class="ap-dl" href="http:[^"]+\.mp3" download>Télécharger<\/a>/,
      );

      const asset = /src="(\/embed\/assets\/player\.[0-9a-f]+\.js)"/.exec(html)?.[1];
      const js = await fetch(`${app.baseUrl}${asset!}`, { headers: { 'accept-encoding': 'gzip' } });
      assert.equal(js.headers.get('content-encoding'), 'gzip');
      assert.match(js.headers.get('cache-control') ?? '', /immutable/);
      assert.equal((await fetch(`${app.baseUrl}/embed/episodes/zzz000`)).status, 404);
    });
  });
}
