/**
 * Issue 2 acceptance: upload → worker → feed → media, end to end, on real
 * Redis, real ffmpeg, and each database engine. The feed is read with an
 * independent parser (rss-parser), never with our own code.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import Parser from 'rss-parser';
import { ENGINES } from '../helpers/databases.js';
import {
  episodeForm,
  uploadEpisode,
  useTestApp,
  waitForEpisode,
  type TestApp,
} from '../helpers/app.js';
import { ARTICLE, SHOW_INPUT } from '../fixtures/editorial.js';
import { ffprobeJson, tempDir } from '../helpers/audio.js';
import { interview as interviewFixture, makeRandomBytes } from '../fixtures/audio.js';

type FeedItem = Parser.Item & {
  enclosure?: { url: string; length?: string; type?: string };
  itunes?: { duration?: string };
};

for (const engine of ENGINES) {
  describe(`pipeline end to end (${engine})`, function () {
    // Longer than the layer’s timeout: processes speech through the whole ladder.
    this.timeout(90_000);
    const app = useTestApp({ engine });
    let work: string;
    let interview: string;

    before(async () => {
      work = await tempDir();
      interview = await interviewFixture();
    });

    after(async () => {
      await fs.rm(work, { recursive: true, force: true });
    });

    it('publishes an uploaded interview in the feed, playable with Range and HEAD', async () => {
      const upload = await uploadEpisode(app, interview, {}, 'Entretien « secrétaire d’État ».wav');
      assert.equal(upload.status, 202, await upload.clone().text());
      const created = (await upload.json()) as {
        id: string;
        statusUrl: string;
        state: string;
        title: string;
      };
      assert.equal(created.state, 'uploaded');
      assert.equal(created.title, ARTICLE.title);
      assert.equal(created.statusUrl, `${app.baseUrl}/api/episodes/${created.id}`);

      const ready = await waitForEpisode(app.baseUrl, created.id);
      assert.equal(ready.state, 'ready', `failure: ${String(ready.failureReason)}`);
      assert.equal(ready.progress, 100);
      assert.deepEqual(
        (ready.original as { name: string }).name,
        'Entretien « secrétaire d’État ».wav',
      );

      // Ready is not public: the feed lists the episode once an editor publishes it.
      const publish = await app.authed(`/api/episodes/${created.id}/publish`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      assert.equal(publish.status, 200, await publish.clone().text());
      assert.equal(((await publish.json()) as { state: string }).state, 'published');

      const feedRes = await fetch(`${app.baseUrl}/feeds/${SHOW_INPUT.slug}.xml`);
      assert.equal(feedRes.status, 200);
      assert.match(
        feedRes.headers.get('content-type') ?? '',
        /^application\/rss\+xml; charset=utf-8/,
      );
      const xml = await feedRes.text();
      const feed = await new Parser<Record<string, unknown>, FeedItem>({
        customFields: { item: [['itunes:duration', 'duration']] },
      }).parseString(xml);
      assert.equal(feed.title, SHOW_INPUT.title);
      assert.equal(feed.items.length, 1);
      const item = feed.items[0]!;
      assert.equal(item.title, ARTICLE.title, 'French title intact');
      assert.equal(item.link, ARTICLE.articleUrl);
      assert.equal(item.guid, (ready as { guid?: string }).guid);
      assert.equal(
        new Date(item.pubDate!).toISOString(),
        new Date(ARTICLE.publishedAt).toISOString(),
      );
      assert.deepEqual(item.categories, ARTICLE.categories);
      assert.ok(item.enclosure, 'item has an enclosure');
      assert.equal(item.enclosure.type, 'audio/mpeg');

      // The enclosure length is exactly the bytes served.
      const media = await fetch(item.enclosure.url);
      assert.equal(media.status, 200);
      const bytes = Buffer.from(await media.arrayBuffer());
      assert.equal(Number(item.enclosure.length), bytes.length);
      assert.equal(media.headers.get('content-length'), String(bytes.length));
      assert.equal(media.headers.get('content-type'), 'audio/mpeg');
      assert.equal(media.headers.get('accept-ranges'), 'bytes');

      // itunes:duration within 1 s of what ffprobe says of the served file.
      const served = path.join(work, 'served.mp3');
      await fs.writeFile(served, bytes);
      const probed = await ffprobeJson(served);
      const duration = Number((item as unknown as { duration: string }).duration);
      assert.ok(
        Math.abs(duration - Number(probed.format.duration)) <= 1,
        `${duration} vs ${probed.format.duration}`,
      );
      const stream = probed.streams.find((s) => s.codec_type === 'audio')!;
      assert.equal(stream.codec_name, 'mp3');
      assert.equal(stream.sample_rate, '44100');
      assert.equal(probed.format.tags?.title, ARTICLE.title, 'ID3 title carries the French text');

      // Range: the first 100 bytes, exactly.
      const partial = await fetch(item.enclosure.url, { headers: { range: 'bytes=0-99' } });
      assert.equal(partial.status, 206);
      assert.equal(partial.headers.get('content-range'), `bytes 0-99/${bytes.length}`);
      assert.equal(partial.headers.get('content-length'), '100');
      assert.deepEqual(Buffer.from(await partial.arrayBuffer()), bytes.subarray(0, 100));

      // The iOS probe and a suffix range.
      const probe = await fetch(item.enclosure.url, { headers: { range: 'bytes=0-1' } });
      assert.equal(probe.status, 206);
      assert.deepEqual(Buffer.from(await probe.arrayBuffer()), bytes.subarray(0, 2));
      const tail = await fetch(item.enclosure.url, { headers: { range: 'bytes=-10' } });
      assert.deepEqual(Buffer.from(await tail.arrayBuffer()), bytes.subarray(bytes.length - 10));

      // Past the end: 416 with the size.
      const beyond = await fetch(item.enclosure.url, {
        headers: { range: `bytes=${bytes.length}-` },
      });
      assert.equal(beyond.status, 416);
      assert.equal(beyond.headers.get('content-range'), `bytes */${bytes.length}`);

      // Waveform peaks for the player: BBC audiowaveform JSON v2, served with CORS.
      assert.ok(typeof ready.peaksUrl === 'string', 'peaks recorded');
      const peaksRes = await fetch(ready.peaksUrl);
      assert.equal(peaksRes.status, 200);
      assert.match(peaksRes.headers.get('content-type') ?? '', /^application\/json/);
      assert.equal(peaksRes.headers.get('access-control-allow-origin'), '*');
      const peaks = (await peaksRes.json()) as {
        version: number;
        sample_rate: number;
        samples_per_pixel: number;
        length: number;
        data: number[];
        bits: number;
      };
      assert.equal(peaks.version, 2);
      assert.equal(peaks.bits, 8);
      const expected =
        (Number(probed.format.duration) * peaks.sample_rate) / peaks.samples_per_pixel;
      assert.ok(
        Math.abs(peaks.length - expected) / expected < 0.02,
        `peaks length ${peaks.length} vs ${expected}`,
      );
      assert.equal(peaks.data.length, peaks.length * 2);
      assert.ok(Math.max(...peaks.data) > 20, 'speech shows in the waveform');

      // HEAD gives the size without a body.
      const head = await fetch(item.enclosure.url, { method: 'HEAD' });
      assert.equal(head.status, 200);
      assert.equal(head.headers.get('content-length'), String(bytes.length));
      assert.equal((await head.arrayBuffer()).byteLength, 0);
    });

    it('fails random bytes named .mp3 after one attempt, with a readable reason', async () => {
      const junk = await makeRandomBytes(work, 'interview.mp3');
      const upload = await uploadEpisode(app, junk, { title: 'Fichier abîmé' });
      assert.equal(upload.status, 202);
      const { id } = (await upload.json()) as { id: string };
      const done = await waitForEpisode(app.baseUrl, id);
      assert.equal(done.state, 'failed');
      assert.match(String(done.failureReason), /not audio|no audio|could not be decoded/i);
      assert.doesNotMatch(
        String(done.failureReason),
        /\bat \S+\.ts:\d+/,
        'no stack trace in the reason',
      );

      const job = await app.antenne.producer.queue('audio').getJob(`process-audio-${id}-r0`);
      assert.ok(job);
      assert.equal(await job.getState(), 'failed');
      assert.equal(job.attemptsMade, 1, 'bad input is not retried');

      const feed = await fetch(`${app.baseUrl}/feeds/${SHOW_INPUT.slug}.xml`).then((r) => r.text());
      assert.doesNotMatch(feed, /Fichier abîmé/, 'a failed episode stays out of the feed');
    });

    it('refuses a missing title with a 400 problem naming the field', async () => {
      const withoutTitle: Partial<typeof ARTICLE> = { ...ARTICLE };
      delete withoutTitle.title;
      const res = await app.authed(`/api/shows/${SHOW_INPUT.slug}/episodes`, {
        method: 'POST',
        body: await episodeForm(interview, withoutTitle),
      });
      assert.equal(res.status, 400);
      assert.match(res.headers.get('content-type') ?? '', /^application\/problem\+json/);
      const problem = (await res.json()) as {
        type: string;
        title: string;
        status: number;
        errors: { field: string; message: string }[];
      };
      assert.equal(problem.status, 400);
      assert.equal(problem.type, '/problems/validation');
      assert.deepEqual(problem.errors, [{ field: 'title', message: 'is required' }]);
      await assertNoUploadLeftovers(app);
    });

    it('refuses a write without a token with 401, and an unknown show with 404', async () => {
      const anonymous = await fetch(`${app.baseUrl}/api/shows/${SHOW_INPUT.slug}/episodes`, {
        method: 'POST',
        body: await episodeForm(interview, ARTICLE),
      });
      assert.equal(anonymous.status, 401);
      assert.match(anonymous.headers.get('content-type') ?? '', /^application\/problem\+json/);
      assert.match(anonymous.headers.get('www-authenticate') ?? '', /^Bearer/);

      const unknown = await app.authed('/api/shows/no-such-show/episodes', {
        method: 'POST',
        body: await episodeForm(interview, ARTICLE),
      });
      assert.equal(unknown.status, 404);
      const problem = (await unknown.json()) as { title: string };
      assert.equal(problem.title, 'Show not found');
      assert.equal((await fetch(`${app.baseUrl}/feeds/no-such-show.xml`)).status, 404);
      await assertNoUploadLeftovers(app);
    });
  });
}

describe('upload size limit', function () {
  const app = useTestApp({ engine: 'pglite', env: { MAX_UPLOAD_SIZE: '256KiB' }, worker: false });
  let work: string;

  before(async () => {
    work = await tempDir();
  });
  after(async () => {
    await fs.rm(work, { recursive: true, force: true });
  });

  it('answers 413 for a file over the limit and leaves no temp file', async () => {
    // Over limit + multipart allowance: refused from Content-Length, before any byte is stored.
    const big = await makeRandomBytes(work, 'long.wav', 3 * 1024 * 1024);
    const res = await uploadEpisode(app, big);
    assert.equal(res.status, 413);
    const problem = (await res.json()) as { errors: { field: string }[]; detail: string };
    assert.equal(problem.errors[0]?.field, 'audio');
    assert.match(problem.detail, /256 KiB|0 MiB|limit/);
    await assertNoUploadLeftovers(app);
  });

  it('answers 413 when only the file part is over the limit (no Content-Length shortcut)', async () => {
    const big = await makeRandomBytes(work, 'long2.wav', 300 * 1024);
    const res = await uploadEpisode(app, big);
    assert.equal(res.status, 413);
    await assertNoUploadLeftovers(app);
    const episodes = await app.antenne.db.db.selectFrom('episodes').select('id').execute();
    assert.equal(episodes.length, 0, 'nothing recorded');
  });
});

/** The temp dir of uploads is empty once the response is over (cleanup runs on finish). */
async function assertNoUploadLeftovers(app: TestApp): Promise<void> {
  const dir = path.join(app.dataDir, 'tmp', 'uploads');
  for (let i = 0; i < 20; i++) {
    const left = await fs.readdir(dir).catch(() => []);
    if (left.length === 0) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.deepEqual(await fs.readdir(dir), [], 'upload temp files left behind');
}
