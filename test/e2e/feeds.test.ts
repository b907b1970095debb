/**
 * Issue 4 acceptance on real components (Redis, ffmpeg, PGlite and PostgreSQL):
 * editors publish, edit and attach files through the API; the feed carries it
 * all (read by rss-parser and podcast-partytime) and is served as stored bytes
 * with validators, compression and HEAD.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { parseFeed } from 'podcast-partytime';
import Parser from 'rss-parser';
import { ENGINES } from '../helpers/databases.js';
import { EDITOR_HEADERS, uploadEpisode, useTestApp, waitForEpisode } from '../helpers/app.js';
import { ARTICLE, SHOW_INPUT } from '../fixtures/editorial.js';
import { addEpisodes } from '../../support/bulk-episodes.js';
import { rawRequest } from '../helpers/http.js';
import { interview as interviewFixture } from '../fixtures/audio.js';
import { image } from '../fixtures/images.js';

const run = promisify(execFile);
const json = (body: unknown) => ({
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

const HOSTILE_TITLE = 'Données & « vie privée » : <script>alert(1)</script> ]]> fin';
const VTT =
  'WEBVTT\n\n00:00.000 --> 00:04.000\n<v Journaliste>Bonjour madame la secrétaire d’État.\n\n00:04.000 --> 00:09.000\n<v Invitée>La Normandie est « chef de file ».\n';
const CHAPTERS = {
  version: '1.2.0',
  title: 'Entretien « numérique »',
  chapters: [
    { startTime: 0, title: 'Présentation' },
    { startTime: 4, title: 'La « Team Normandie »', url: 'https://example.org/team' },
  ],
};

let interview: string;
before(async function () {
  interview = await interviewFixture();
});

for (const engine of ENGINES) {
  describe(`feeds (${engine})`, function () {
    // Longer than the layer’s timeout: processes speech and publishes feeds on each engine.
    this.timeout(90_000);
    const app = useTestApp({ engine });
    let episodeId: string;
    let guid: string;
    const feedUrl = () => `${app.baseUrl}/feeds/${SHOW_INPUT.slug}.xml`;
    const feedXml = () => fetch(feedUrl()).then((r) => r.text());
    const putArtwork = (png: Buffer<ArrayBuffer>) =>
      app.authed(`/api/shows/${SHOW_INPUT.slug}/artwork`, {
        method: 'PUT',
        headers: { 'content-type': 'image/png' },
        body: png,
      });

    before(async () => {
      const upload = await uploadEpisode(app, interview);
      const created = (await upload.json()) as { id: string; guid: string };
      episodeId = created.id;
      guid = created.guid;
      const ready = await waitForEpisode(app.baseUrl, episodeId);
      assert.equal(ready.state, 'ready', String(ready.failureReason));
    });

    it('keeps a ready episode out of the feed until it is published', async () => {
      const feed = await new Parser().parseString(await feedXml());
      assert.equal(feed.items.length, 0);
    });

    it('refuses bad artwork, transcripts, chapters and categories with 4xx naming the field', async () => {
      const small = await fs.readFile(await image(1000, 1000, 'png'));
      const art = await putArtwork(small);
      assert.equal(art.status, 400);
      const artProblem = (await art.json()) as { errors: { field: string; message: string }[] };
      assert.equal(artProblem.errors[0]?.field, 'artwork');
      assert.match(artProblem.errors[0].message, /1400 and 3000/);

      const wrongType = await app.authed(`/api/shows/${SHOW_INPUT.slug}/artwork`, {
        method: 'PUT',
        headers: { 'content-type': 'image/gif' },
        body: small,
      });
      assert.equal(wrongType.status, 415);

      const transcript = await app.authed(`/api/episodes/${episodeId}/transcript`, {
        method: 'PUT',
        headers: { 'content-type': 'text/vtt' },
        body: 'WEBVTT\n\n00:05.000 --> 00:01.000\nà l’envers\n',
      });
      assert.equal(transcript.status, 400);
      assert.equal(
        ((await transcript.json()) as { errors: { field: string }[] }).errors[0]?.field,
        'transcript',
      );

      const chapters = await app.authed(`/api/episodes/${episodeId}/chapters`, {
        method: 'PUT',
        ...json({ version: '1.2.0', chapters: [{ startTime: -1 }] }),
      });
      assert.equal(chapters.status, 400);
      assert.deepEqual(
        ((await chapters.json()) as { errors: { field: string }[] }).errors.map((e) => e.field),
        ['chapters.0.startTime'],
      );

      const category = await app.authed(`/api/shows/${SHOW_INPUT.slug}`, {
        method: 'PATCH',
        ...json({ subcategory: 'Cuisine' }),
      });
      assert.equal(category.status, 400);
      assert.equal(
        ((await category.json()) as { errors: { field: string }[] }).errors[0]?.field,
        'subcategory',
      );

      const guidEdit = await app.authed(`/api/episodes/${episodeId}`, {
        method: 'PATCH',
        ...json({ guid: 'x' }),
      });
      assert.equal(guidEdit.status, 400, 'the guid is not editable');

      const anonymous = await fetch(`${app.baseUrl}/api/episodes/${episodeId}/publish`, {
        method: 'POST',
      });
      assert.equal(anonymous.status, 401);
    });

    it('publishes an episode with every channel and item field, read by two parsers', async () => {
      // Artwork: square PNG, stored under a content-addressed public key, served with Range.
      const png = await fs.readFile(await image(1400, 1400, 'png'));
      const art = await putArtwork(png);
      assert.equal(art.status, 200, await art.clone().text());
      const { artworkUrl } = (await art.json()) as { artworkUrl: string };
      const sha = createHash('sha256').update(png).digest('hex').slice(0, 12);
      assert.ok(artworkUrl.endsWith(`artwork-${sha}.png`), artworkUrl);
      const artRange = await fetch(artworkUrl, { headers: { range: 'bytes=0-7' } });
      assert.equal(artRange.status, 206);
      assert.deepEqual(Buffer.from(await artRange.arrayBuffer()), png.subarray(0, 8));

      const showPatch = await app.authed(`/api/shows/${SHOW_INPUT.slug}`, {
        method: 'PATCH',
        ...json({ txt: 'vérification « antenne »', locked: true }),
      });
      assert.equal(showPatch.status, 200, await showPatch.clone().text());

      // Metadata edits, including the article URL: the guid never changes.
      const patch = await app.authed(`/api/episodes/${episodeId}`, {
        method: 'PATCH',
        ...json({
          title: HOSTILE_TITLE,
          articleUrl: 'https://example.org/2018/06/01/donnees-vie-privee?ref=rss&x=1',
          categories: ['Numérique', 'Événements'],
          season: 2,
          episodeNumber: 7,
          episodeType: 'bonus',
          explicit: false,
          location: { name: 'Caen, Normandie', geo: 'geo:49.18,-0.37', osm: 'R7444' },
          interviewees: [{ name: 'Mounir Mahjoubi', role: 'secrétaire d’État' }],
        }),
      });
      assert.equal(patch.status, 200, await patch.clone().text());
      const patched = (await patch.json()) as { guid: string; title: string };
      assert.equal(patched.guid, guid);
      assert.equal(patched.title, HOSTILE_TITLE);

      const transcript = await app.authed(`/api/episodes/${episodeId}/transcript`, {
        method: 'PUT',
        headers: { 'content-type': 'text/vtt' },
        body: VTT,
      });
      assert.equal(transcript.status, 200, await transcript.clone().text());
      const chapters = await app.authed(`/api/episodes/${episodeId}/chapters`, {
        method: 'PUT',
        ...json(CHAPTERS),
      });
      assert.equal(chapters.status, 200, await chapters.clone().text());

      // The worker's AAC and Opus renditions become alternateEnclosures next to the MP3 enclosure.
      const renditions = await app.antenne.repos.renditions.listByEpisode(episodeId);
      const aac = renditions.find((r) => r.codec === 'aac');
      const opus = renditions.find((r) => r.codec === 'opus');
      assert.ok(aac && opus, JSON.stringify(renditions.map((r) => r.profile)));

      const publish = await app.authed(`/api/episodes/${episodeId}/publish`, {
        method: 'POST',
        ...json({}),
      });
      assert.equal(publish.status, 200, await publish.clone().text());
      assert.equal(((await publish.json()) as { state: string }).state, 'published');

      const xml = await feedXml();
      // Markup-looking text is only ever character data: escaped, or inside CDATA.
      assert.ok(!xml.replace(/<!\[CDATA\[[\s\S]*?\]\]>/g, '').includes('<script>'));

      // Parser 1: rss-parser.
      const rss = await new Parser<Record<string, unknown>, Record<string, unknown>>({
        customFields: {
          feed: [
            ['podcast:guid', 'podcastGuid'],
            ['podcast:txt', 'podcastTxt'],
          ] as never,
          item: [
            ['podcast:contentLink', 'contentLink', { keepArray: true }],
            ['content:encoded', 'contentEncoded'],
          ] as never,
        },
      }).parseString(xml);
      assert.equal(rss.items.length, 1);
      const item = rss.items[0]! as Record<string, unknown> &
        Parser.Item & { itunes: Record<string, string> };
      assert.equal(item.title, HOSTILE_TITLE);
      assert.equal(item.link, 'https://example.org/2018/06/01/donnees-vie-privee?ref=rss&x=1');
      assert.equal(item.guid, guid);
      assert.deepEqual(item.categories, ['Numérique', 'Événements']);
      assert.equal((item.contentLink as { $: { href: string } }[])[0]?.$.href, item.link);
      assert.equal(item.contentEncoded, ARTICLE.summary);
      assert.equal(item.itunes.season, '2');
      assert.equal(item.itunes.episode, '7');
      assert.equal(item.itunes.episodeType, 'bonus');
      assert.equal(item.itunes.image, artworkUrl);
      assert.equal(rss.podcastTxt, 'vérification « antenne »');

      // Parser 2: podcast-partytime.
      const feed = parseFeed(xml, { allowMissingGuid: false });
      assert.ok(feed);
      assert.equal(feed.title, SHOW_INPUT.title);
      assert.equal(feed.itunesImage, artworkUrl);
      assert.equal(feed.pubsub?.self, feedUrl());
      assert.equal(feed.locked, true);
      assert.equal(feed.podcastOwner, SHOW_INPUT.owner.email);
      assert.match(feed.guid ?? '', /^[0-9a-f-]{36}$/);
      assert.deepEqual(
        feed.itunesCategory?.map((c) => c.toLowerCase()),
        ['news > politics'],
      );
      const ep = feed.items[0]!;
      assert.equal(ep.title, HOSTILE_TITLE);
      assert.equal(ep.guid, guid);
      assert.equal(ep.author, ARTICLE.author);
      assert.equal(ep.pubDate?.toISOString(), new Date(ARTICLE.publishedAt).toISOString());
      assert.deepEqual(
        ep.podcastPeople?.map((p) => [p.name, p.role.toLowerCase()]),
        [
          [ARTICLE.author, 'host'],
          ['Mounir Mahjoubi', 'guest'],
        ],
      );
      assert.equal(ep.podcastLocation?.name, 'Caen, Normandie');
      assert.equal(ep.itunesEpisode, 7);
      const alternates = ep.alternativeEnclosures ?? [];
      assert.deepEqual(
        alternates.map((e) => [e.type, e.length]).sort(),
        [
          ['audio/ogg', opus.bytes],
          ['audio/x-m4a', aac.bytes],
        ].sort(),
      );
      const alt = alternates.find((e) => e.type === 'audio/x-m4a')!;

      // The files behind the tags: bytes, types and CORS as clients need them.
      const enclosure = await fetch(ep.enclosure.url);
      assert.equal(Number((await enclosure.arrayBuffer()).byteLength), ep.enclosure.length);
      const altRes = await fetch(alt.source[0]!.uri);
      assert.equal((await altRes.arrayBuffer()).byteLength, aac.bytes);

      const vtt = await fetch(ep.podcastTranscripts![0]!.url);
      assert.equal(ep.podcastTranscripts![0]!.type, 'text/vtt');
      assert.equal(vtt.headers.get('content-type'), 'text/vtt; charset=utf-8');
      assert.equal(vtt.headers.get('access-control-allow-origin'), '*');
      assert.equal(await vtt.text(), VTT);

      const chap = await fetch(ep.podcastChapters!.url);
      assert.equal(chap.headers.get('content-type'), 'application/json+chapters; charset=utf-8');
      assert.equal(chap.headers.get('access-control-allow-origin'), '*');
      assert.deepEqual(await chap.json(), CHAPTERS);
    });

    it('serves stored bytes with ETag, Last-Modified, 304, gzip, br and HEAD', async () => {
      const plain = await rawRequest(feedUrl());
      assert.equal(plain.status, 200);
      const etag = plain.headers.etag!;
      const lastModified = plain.headers['last-modified']!;
      assert.match(etag, /^"[A-Za-z0-9_-]{27}"$/);
      assert.ok(lastModified);
      assert.match(plain.headers['cache-control'] ?? '', /max-age=\d+/);
      assert.equal(plain.headers.vary, 'Accept-Encoding');
      assert.equal(plain.headers['content-encoding'], undefined);
      assert.equal(Number(plain.headers['content-length']), plain.body.length);

      assert.equal(
        (await rawRequest(feedUrl(), { headers: { 'if-none-match': etag } })).status,
        304,
      );
      assert.equal(
        (await rawRequest(feedUrl(), { headers: { 'if-modified-since': lastModified } })).status,
        304,
      );
      assert.equal(
        (await rawRequest(feedUrl(), { headers: { 'if-none-match': '"stale"' } })).status,
        200,
      );

      const gz = await rawRequest(feedUrl(), { headers: { 'accept-encoding': 'gzip' } });
      assert.equal(gz.headers['content-encoding'], 'gzip');
      assert.ok(gz.body.length < plain.body.length);
      assert.deepEqual(zlib.gunzipSync(gz.body), plain.body);
      assert.notEqual(gz.headers.etag, etag, 'each encoding has its own ETag');
      assert.equal(
        (
          await rawRequest(feedUrl(), {
            headers: { 'accept-encoding': 'gzip', 'if-none-match': gz.headers.etag! },
          })
        ).status,
        304,
      );

      const br = await rawRequest(feedUrl(), { headers: { 'accept-encoding': 'gzip;q=0.5, br' } });
      assert.equal(br.headers['content-encoding'], 'br');
      assert.deepEqual(zlib.brotliDecompressSync(br.body), plain.body);

      const head = await rawRequest(feedUrl(), {
        method: 'HEAD',
        headers: { 'accept-encoding': 'br' },
      });
      assert.equal(head.status, 200);
      assert.equal(head.body.length, 0);
      assert.equal(Number(head.headers['content-length']), br.body.length);
      assert.equal(head.headers.etag, br.headers.etag);

      // Unchanged data renders the same bytes: the validators survive a rebuild.
      const showId = (await app.antenne.repos.shows.findBySlug(SHOW_INPUT.slug))!.id;
      await app.antenne.feedPublisher.rebuildShow(showId);
      const again = await rawRequest(feedUrl(), { headers: { 'if-none-match': etag } });
      assert.equal(again.status, 304);
    });

    it('serves topic feeds of an article category, configured by an editor', async () => {
      const created = await app.authed(`/api/shows/${SHOW_INPUT.slug}/topics`, {
        method: 'POST',
        ...json({ slug: 'numerique', title: 'Numérique « Normandie »', category: 'Numérique' }),
      });
      assert.equal(created.status, 201, await created.clone().text());
      const topic = (await created.json()) as { feedUrl: string; podcastGuid: string };
      await app.authed(`/api/shows/${SHOW_INPUT.slug}/topics`, {
        method: 'POST',
        ...json({ slug: 'sport', title: 'Sport', category: 'Sport' }),
      });
      const listed = (await (
        await fetch(`${app.baseUrl}/api/shows/${SHOW_INPUT.slug}/topics`, {
          headers: EDITOR_HEADERS,
        })
      ).json()) as {
        topics: { slug: string }[];
      };
      assert.deepEqual(
        listed.topics.map((t) => t.slug),
        ['numerique', 'sport'],
      );

      const numerique = parseFeed(await (await fetch(topic.feedUrl)).text());
      assert.equal(numerique?.title, 'Numérique « Normandie »');
      assert.equal(numerique?.guid, topic.podcastGuid);
      assert.deepEqual(
        numerique?.items.map((i) => i.guid),
        [guid],
      );
      const sport = parseFeed(
        await (await fetch(`${app.baseUrl}/feeds/${SHOW_INPUT.slug}/sport.xml`)).text(),
      );
      assert.equal(sport?.items.length, 0);
      assert.equal((await fetch(`${app.baseUrl}/feeds/${SHOW_INPUT.slug}/nope.xml`)).status, 404);

      const removed = await app.authed(`/api/shows/${SHOW_INPUT.slug}/topics/sport`, {
        method: 'DELETE',
      });
      assert.equal(removed.status, 204);
      assert.equal((await fetch(`${app.baseUrl}/feeds/${SHOW_INPUT.slug}/sport.xml`)).status, 404);
    });

    it('checks the feed for editors, catching an enclosure length that differs from the served bytes', async () => {
      // The CLI, on the feed URL, as an editor would run it (`npm run feed:check` runs the
      // script under tsx: here in one process, where npx tsx makes three).
      const feedCheck = () =>
        run(process.execPath, ['--import', 'tsx', 'scripts/feed-check.ts', feedUrl()], {
          timeout: 60_000,
        });
      const cli = await feedCheck();
      assert.match(cli.stdout, /1 items, 0 errors/);

      const good = await app.authed(`/api/shows/${SHOW_INPUT.slug}/feed-check`);
      assert.equal(good.status, 200);
      const result = (await good.json()) as {
        ok: boolean;
        items: number;
        problems: { severity: string }[];
      };
      assert.deepEqual(
        result.problems.filter((p) => p.severity === 'error'),
        [],
      );
      assert.equal(result.ok, true);
      assert.equal(result.items, 1);

      await app.antenne.db.db
        .updateTable('renditions')
        .set({ bytes: 12345 })
        .where('episode_id', '=', episodeId)
        .where('profile', 'like', 'mp3-%')
        .execute();
      const showId = (await app.antenne.repos.shows.findBySlug(SHOW_INPUT.slug))!.id;
      await app.antenne.feedPublisher.rebuildShow(showId);
      const bad = (await (await app.authed(`/api/shows/${SHOW_INPUT.slug}/feed-check`)).json()) as {
        ok: boolean;
        problems: { severity: string; where: string; message: string }[];
      };
      assert.equal(bad.ok, false);
      assert.deepEqual(
        bad.problems.filter((p) => p.severity === 'error').map((p) => p.where),
        [`item ${guid}`],
      );
      const failed = await feedCheck().then(
        () => null,
        (e: { code: number; stdout: string }) => e,
      );
      assert.equal(failed?.code, 1, 'the CLI exits 1 on errors');
      assert.match(failed.stdout, /ERROR\s+item .*length="12345"/);
      assert.match(
        bad.problems.find((p) => p.severity === 'error')!.message,
        /length="12345".*server sends \d+ bytes/,
      );
    });

    it('serves a 10,000-episode feed, complete and in order', async function () {
      // Longer than the layer’s timeout: 10,000 episodes inserted, then the feed rendered.
      this.timeout(180_000);
      const big = await app.authed('/api/shows', {
        method: 'POST',
        ...json({ ...SHOW_INPUT, slug: 'grande-emission', title: 'Grande émission' }),
      });
      assert.equal(big.status, 201);
      const showId = (await app.antenne.repos.shows.findBySlug('grande-emission'))!.id;
      await addEpisodes(app.antenne.db.db, showId, 0, 10_000);
      await app.antenne.feedPublisher.rebuildShow(showId);
      const res = await rawRequest(`${app.baseUrl}/feeds/grande-emission.xml`, {
        headers: { 'accept-encoding': 'gzip' },
      });
      assert.equal(res.headers['content-encoding'], 'gzip');
      const xml = zlib.gunzipSync(res.body).toString('utf8');
      const feed = await new Parser().parseString(xml);
      assert.equal(feed.items.length, 10_000);
      assert.equal(new Set(feed.items.map((i) => i.guid)).size, 10_000, 'guids unique');
      const dates = feed.items.map((i) => Date.parse(i.pubDate!));
      assert.ok(
        dates.every((d, i) => i === 0 || d <= dates[i - 1]!),
        'newest first',
      );
      assert.match(
        feed.items[0]!.title!,
        /^Entretien n° 9999 : « le numérique en Normandie » & l’État$/,
      );
    });

    it('unpublishes, and publishing again keeps the same guid', async () => {
      const un = await app.authed(`/api/episodes/${episodeId}/unpublish`, { method: 'POST' });
      assert.equal(un.status, 200);
      assert.equal(((await un.json()) as { state: string }).state, 'unpublished');
      assert.equal((await new Parser().parseString(await feedXml())).items.length, 0);
      const twice = await app.authed(`/api/episodes/${episodeId}/unpublish`, { method: 'POST' });
      assert.equal(twice.status, 409);

      await app.authed(`/api/episodes/${episodeId}/publish`, { method: 'POST', ...json({}) });
      const items = (await new Parser().parseString(await feedXml())).items;
      assert.deepEqual(
        items.map((i) => i.guid),
        [guid],
      );
    });
  });
}
