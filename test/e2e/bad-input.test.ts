/**
 * Issue 10, the bad-input campaign: what a careless client, a broken CMS or a
 * hostile caller may send, on both database engines. Every case must get a 4xx
 * `application/problem+json` naming the field (or the parameter, with `in`),
 * within a deadline; never a 5xx. Afterwards the show and episode created
 * before the campaign read exactly as they did.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import { XMLValidator } from 'fast-xml-parser';
import { ENGINES } from '../helpers/databases.js';
import {
  TEST_TOKEN,
  episodeForm,
  startTestApp,
  uploadEpisode,
  waitForEpisode,
  type TestApp,
} from '../helpers/app.js';
import { ARTICLE, SHOW_INPUT } from '../fixtures/editorial.js';
import { tempDir } from '../helpers/audio.js';
import { rawRequest } from '../helpers/http.js';
import { tone } from '../fixtures/audio.js';

/** No request may hang: each one is abandoned (and the case failed) after this. */
const REQUEST_TIMEOUT_MS = 10_000;

/** XML 1.0 §2.2 `Char`, written out from the spec: fast-xml-parser's validator does not check characters. */
const XML_CHARS = /^[\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]*$/u;

interface Answer {
  readonly status: number;
  readonly contentType: string;
  readonly text: string;
}

interface Problem {
  type: string;
  status: number;
  title: string;
  errors?: { field: string; in?: string; message: string }[];
}

interface Case {
  readonly name: string;
  readonly send: () => Promise<Answer>;
  readonly status: number;
  /** The field (or parameter) the problem must name, when there is one to name. */
  readonly field?: string;
  readonly in?: 'path' | 'query';
  /** The problem type, where no field is named (malformed JSON, 415, 404). */
  readonly type?: string;
}

/** Context filled by `before`: cases are declared first and read it when they run. */
interface Context {
  app: TestApp;
  episodeId: string;
  duration: number;
  audio: string;
}

const NUL = '\u0000';
const LONE_SURROGATE = '\ud800';
const CONTROL = '\u0001';
const NOT_A_CHAR = '\uffff';

function campaign(ctx: Context): Case[] {
  const base = () => ctx.app.baseUrl;
  const ep = () => `/api/episodes/${ctx.episodeId}`;
  const show = `/api/shows/${SHOW_INPUT.slug}`;

  /** A request through fetch (bodies, forms), with the editor token and a deadline. */
  const call =
    (method: string, path: () => string, body?: () => BodyInit, type?: string) =>
    async (): Promise<Answer> => {
      const res = await fetch(`${base()}${path()}`, {
        method,
        headers: {
          authorization: `Bearer ${TEST_TOKEN}`,
          ...(type ? { 'content-type': type } : {}),
        },
        ...(body ? { body: body() } : {}),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      return {
        status: res.status,
        contentType: res.headers.get('content-type') ?? '',
        text: await res.text(),
      };
    };
  const json = (method: string, path: () => string, body: unknown) =>
    call(method, path, () => JSON.stringify(body), 'application/json');
  /** The upload form (multipart, with the audio file): the text fields reach the schema. */
  const form = (fields: Record<string, string | string[]>) => async (): Promise<Answer> => {
    const body = await episodeForm(ctx.audio, fields);
    return call(
      'POST',
      () => `${show}/episodes`,
      () => body,
    )();
  };
  /**
   * A path exactly as written (fetch would resolve `..` and `%2e%2e`), over raw
   * HTTP with the editor token and a deadline.
   */
  const raw =
    (path: () => string, method = 'GET') =>
    async (): Promise<Answer> => {
      const res = await rawRequest(`${base()}${path()}`, {
        method,
        headers: { authorization: `Bearer ${TEST_TOKEN}` },
        timeoutMs: REQUEST_TIMEOUT_MS,
      });
      return {
        status: res.status,
        contentType: String(res.headers['content-type'] ?? ''),
        text: res.body.toString('utf8'),
      };
    };

  const embedUrl = () => encodeURIComponent(`${base()}/embed/episodes/${ctx.episodeId}`);
  const validShow = { ...SHOW_INPUT, slug: 'autre-emission' };
  const chapters = (...list: Record<string, unknown>[]) => ({ version: '1.2.0', chapters: list });

  return [
    // POST /api/shows: text fields, types, URLs, sizes, body transport.
    {
      name: 'show title with a NUL',
      send: json('POST', () => '/api/shows', { ...validShow, title: `Normandie${NUL}` }),
      status: 400,
      field: 'title',
    },
    {
      name: 'show description with a lone surrogate',
      send: json('POST', () => '/api/shows', {
        ...validShow,
        description: `Les entretiens ${LONE_SURROGATE} « numériques »`,
      }),
      status: 400,
      field: 'description',
    },
    {
      name: 'show owner name with a control character (nested field)',
      send: json('POST', () => '/api/shows', {
        ...validShow,
        owner: { ...SHOW_INPUT.owner, name: `La rédaction${CONTROL}` },
      }),
      status: 400,
      field: 'owner.name',
    },
    {
      name: 'show author with U+FFFF (not a character)',
      send: json('POST', () => '/api/shows', { ...validShow, author: `A${NOT_A_CHAR}` }),
      status: 400,
      field: 'author',
    },
    {
      name: 'show title as a number',
      send: json('POST', () => '/api/shows', { ...validShow, title: 42 }),
      status: 400,
      field: 'title',
    },
    {
      name: 'show category as an object',
      send: json('POST', () => '/api/shows', { ...validShow, category: { name: 'News' } }),
      status: 400,
      field: 'category',
    },
    {
      name: 'show slug with ..',
      send: json('POST', () => '/api/shows', { ...validShow, slug: '../etc' }),
      status: 400,
      field: 'slug',
    },
    {
      name: 'show siteUrl javascript:',
      send: json('POST', () => '/api/shows', { ...validShow, siteUrl: 'javascript:alert(1)' }),
      status: 400,
      field: 'siteUrl',
    },
    {
      name: 'show imageUrl relative',
      send: json('POST', () => '/api/shows', { ...validShow, imageUrl: '/artwork.jpg' }),
      status: 400,
      field: 'imageUrl',
    },
    {
      name: 'show title of 100,000 characters',
      send: json('POST', () => '/api/shows', { ...validShow, title: 'é'.repeat(100_000) }),
      status: 400,
      field: 'title',
    },
    {
      name: 'show body that is not JSON',
      send: call(
        'POST',
        () => '/api/shows',
        () => '{"slug": "x",',
        'application/json',
      ),
      status: 400,
      type: '/problems/malformed-json',
    },
    {
      name: 'show body sent as text/plain',
      send: call(
        'POST',
        () => '/api/shows',
        () => JSON.stringify(validShow),
        'text/plain',
      ),
      status: 415,
      type: '/problems/unsupported-media-type',
    },
    {
      name: 'show body missing',
      send: call('POST', () => '/api/shows'),
      status: 400,
      field: '(body)',
    },
    {
      name: 'show body over the 1 MB limit',
      send: json('POST', () => '/api/shows', { ...validShow, txt: 'x'.repeat(1_100_000) }),
      status: 413,
      type: '/problems/too-large',
    },
    {
      name: 'unknown field in the show audio settings (strict)',
      send: json('PUT', () => `${show}/audio`, { loudnessTargetLufs: -16, gain: 3 }),
      status: 400,
      field: 'gain',
    },
    {
      name: 'show copyright with a control character (PATCH)',
      send: json('PATCH', () => show, { copyright: `© 2018${'\u001b'}[31m` }),
      status: 400,
      field: 'copyright',
    },
    {
      name: 'topic feed category with a NUL',
      send: json('POST', () => `${show}/topics`, {
        slug: 'evenements',
        title: 'Événements',
        category: `Événements${NUL}`,
      }),
      status: 400,
      field: 'category',
    },

    // PATCH /api/episodes/:id
    {
      name: 'episode title with a NUL',
      send: json('PATCH', ep, { title: `Entretien${NUL}` }),
      status: 400,
      field: 'title',
    },
    {
      name: 'episode summary with a lone surrogate',
      send: json('PATCH', ep, { summary: `<p>Entretien ${LONE_SURROGATE}</p>` }),
      status: 400,
      field: 'summary',
    },
    {
      name: 'episode category with a NUL',
      send: json('PATCH', ep, { categories: ['Événements', `Numérique${NUL}`] }),
      status: 400,
      field: 'categories.1',
    },
    {
      name: 'episode categories as an object',
      send: json('PATCH', ep, { categories: { first: 'Événements' } }),
      status: 400,
      field: 'categories',
    },
    {
      name: 'interviewee name with a NUL',
      send: json('PATCH', ep, { interviewees: [{ name: `Mounir${NUL}` }] }),
      status: 400,
      field: 'interviewees.0.name',
    },
    {
      name: 'interviewee role with a lone surrogate',
      send: json('PATCH', ep, { interviewees: [{ name: 'Mounir', role: `min${LONE_SURROGATE}` }] }),
      status: 400,
      field: 'interviewees.0.role',
    },
    {
      name: 'interviewees as JSON text hiding an escaped NUL',
      send: json('PATCH', ep, { interviewees: '[{"name":"Mounir\\u0000"}]' }),
      status: 400,
      field: 'interviewees.0.name',
    },
    {
      name: 'interviewees as malformed JSON text',
      send: json('PATCH', ep, { interviewees: '[{"name":' }),
      status: 400,
      field: 'interviewees',
    },
    {
      name: 'unknown episode field (strict schema)',
      send: json('PATCH', ep, { title: 'Entretien', color: 'red' }),
      status: 400,
      field: 'color',
    },
    {
      name: 'episode publishedAt on 30 February',
      send: json('PATCH', ep, { publishedAt: '2018-02-30' }),
      status: 400,
      field: 'publishedAt',
    },
    {
      name: 'episode articleUrl relative',
      send: json('PATCH', ep, { articleUrl: '/2018/05/31/article' }),
      status: 400,
      field: 'articleUrl',
    },
    {
      name: 'episode location name with a NUL',
      send: json('PATCH', ep, { location: { name: `Caen${NUL}` } }),
      status: 400,
      field: 'location.name',
    },
    {
      name: 'episode season as a word',
      send: json('PATCH', ep, { season: 'three' }),
      status: 400,
      field: 'season',
    },
    {
      name: 'episode patch sent as a form',
      send: call('PATCH', ep, () => 'title=Entretien', 'application/x-www-form-urlencoded'),
      status: 415,
      type: '/problems/unsupported-media-type',
    },

    // PUT /api/episodes/:id/chapters
    {
      name: 'chapter title with a NUL',
      send: json('PUT', () => `${ep()}/chapters`, chapters({ startTime: 0, title: `Intro${NUL}` })),
      status: 400,
      field: 'chapters.0.title',
    },
    {
      name: 'chapter before the start',
      send: json('PUT', () => `${ep()}/chapters`, chapters({ startTime: -1, title: 'Intro' })),
      status: 400,
      field: 'chapters.0.startTime',
    },
    {
      name: 'chapter after the end of the audio',
      send: () =>
        json(
          'PUT',
          () => `${ep()}/chapters`,
          chapters(
            { startTime: 0, title: 'Intro' },
            { startTime: ctx.duration + 10, title: 'Fin' },
          ),
        )(),
      status: 400,
      field: 'chapters.1.startTime',
    },
    {
      name: 'chapters sent as text/plain',
      send: call(
        'PUT',
        () => `${ep()}/chapters`,
        () => JSON.stringify(chapters({ startTime: 0 })),
        'text/plain',
      ),
      status: 415,
      type: '/problems/unsupported-media-type',
    },

    // POST /api/episodes/:id/clips and /publish
    {
      name: 'clip ending after the episode',
      send: () =>
        json('POST', () => `${ep()}/clips`, { title: 'x', start: 1, end: ctx.duration + 5 })(),
      status: 400,
      field: 'end',
    },
    {
      name: 'clip title with a lone surrogate',
      send: json('POST', () => `${ep()}/clips`, {
        title: `Extrait${LONE_SURROGATE}`,
        start: 0,
        end: 2,
      }),
      status: 400,
      field: 'title',
    },
    {
      name: 'clip start as a string',
      send: json('POST', () => `${ep()}/clips`, { title: 'Extrait', start: 'zero', end: 2 }),
      status: 400,
      field: 'start',
    },
    {
      name: 'publish at a date that is not one',
      send: json('POST', () => `${ep()}/publish`, { at: 'demain matin' }),
      status: 400,
      field: 'at',
    },
    {
      name: 'publish on 30 February',
      send: json('POST', () => `${ep()}/publish`, { at: '2030-02-30T09:30:00+02:00' }),
      status: 400,
      field: 'at',
    },

    // The upload form: text fields go through the same schema and the same character rule.
    {
      name: 'upload title field with a NUL',
      send: form({ ...ARTICLE, title: `Entretien${NUL}` }),
      status: 400,
      field: 'title',
    },
    {
      name: 'upload repeated category field with a control character',
      send: form({ ...ARTICLE, categories: ['Événements', `Numérique${CONTROL}`] }),
      status: 400,
      field: 'categories.1',
    },
    {
      name: 'upload interviewees field with malformed JSON',
      send: form({ ...ARTICLE, interviewees: '{"name":"Mounir"' }),
      status: 400,
      field: 'interviewees.0',
    },
    {
      name: 'upload interviewees JSON hiding an escaped NUL in a role',
      send: form({ ...ARTICLE, interviewees: '{"name":"Mounir","role":"\\u0000"}' }),
      status: 400,
      field: 'interviewees.0.role',
    },
    {
      name: 'upload chapters field with malformed JSON',
      send: form({ ...ARTICLE, chapters: '{"version":"1.2.0","chapters":[' }),
      status: 400,
      field: 'chapters',
    },
    {
      name: 'upload publishedAt in French notation',
      send: form({ ...ARTICLE, publishedAt: '31/05/2018' }),
      status: 400,
      field: 'publishedAt',
    },

    // Path parameters: named as such.
    {
      name: 'episode id with ../',
      send: raw(() => '/api/episodes/..%2F..%2Fetc%2Fpasswd'),
      status: 400,
      field: 'id',
      in: 'path',
    },
    {
      name: 'episode id %00',
      send: raw(() => '/api/episodes/%00'),
      status: 400,
      field: 'id',
      in: 'path',
    },
    {
      name: 'episode id in unicode',
      send: raw(() => '/api/episodes/%C3%A9pisode'),
      status: 400,
      field: 'id',
      in: 'path',
    },
    {
      name: 'episode id of 300 characters',
      send: raw(() => `/api/episodes/${'a'.repeat(300)}`),
      status: 400,
      field: 'id',
      in: 'path',
    },
    {
      name: 'clip id %2e%2e',
      send: raw(() => '/api/clips/%2e%2e'),
      status: 400,
      field: 'id',
      in: 'path',
    },
    {
      name: 'show slug in capitals with ..',
      send: json('PATCH', () => '/api/shows/Normandie..Numerique', { title: 'x' }),
      status: 400,
      field: 'slug',
      in: 'path',
    },
    {
      name: 'topic slug with a right-to-left override',
      send: raw(() => `${show}/topics/%E2%80%AEevil`, 'DELETE'),
      status: 400,
      field: 'topic',
      in: 'path',
    },
    {
      name: 'episode id that is not UTF-8 (an encoded surrogate)',
      send: raw(() => '/api/episodes/%ED%A0%80'),
      status: 400,
    },

    // Query strings.
    {
      name: 'oEmbed url with a NUL',
      send: raw(() => '/oembed?url=%00'),
      status: 400,
      field: 'url',
      in: 'query',
    },
    {
      name: 'oEmbed maxwidth that is not a number',
      send: raw(() => `/oembed?url=${embedUrl()}&maxwidth=wide`),
      status: 400,
      field: 'maxwidth',
      in: 'query',
    },
    {
      name: 'oEmbed maxheight of 0',
      send: raw(() => `/oembed?url=${embedUrl()}&maxheight=0`),
      status: 400,
      field: 'maxheight',
      in: 'query',
    },
    {
      name: 'oEmbed url given twice',
      send: raw(() => `/oembed?url=${embedUrl()}&url=${embedUrl()}`),
      status: 400,
      field: 'url',
      in: 'query',
    },
    {
      name: 'oEmbed url javascript:',
      send: raw(() => `/oembed?url=${encodeURIComponent('javascript:alert(1)')}`),
      status: 404,
      type: '/problems/not-found',
    },
    {
      name: 'oEmbed url relative',
      send: raw(() => `/oembed?url=${encodeURIComponent(`/embed/episodes/${ctx.episodeId}`)}`),
      status: 404,
      type: '/problems/not-found',
    },
    {
      name: 'player ?t= with a control character',
      send: raw(() => `/embed/episodes/${ctx.episodeId}?t=%01`),
      status: 400,
      field: 't',
      in: 'query',
    },
    {
      name: 'API query parameter with a NUL',
      send: raw(() => '/api/shows?limit=%00'),
      status: 400,
      field: 'limit',
      in: 'query',
    },

    // Reader paths with junk: nothing there.
    {
      name: 'embed path with ../',
      send: raw(() => '/embed/episodes/..%2F..%2Fapi%2Fshows'),
      status: 404,
      type: '/problems/not-found',
    },
    {
      name: 'feed path with ../',
      send: raw(() => '/feeds/..%2F..%2Fetc%2Fpasswd.xml'),
      status: 404,
      type: '/problems/not-found',
    },
    {
      name: 'feed path with %00',
      send: raw(() => '/feeds/%00.xml'),
      status: 404,
      type: '/problems/not-found',
    },
    {
      name: 'topic feed path with unicode junk',
      send: raw(() => `/feeds/${SHOW_INPUT.slug}/%F0%9F%92%A5.xml`),
      status: 404,
      type: '/problems/not-found',
    },
    {
      name: 'media path with encoded ../',
      send: raw(() => '/media/public/..%2F..%2Fpackage.json'),
      status: 404,
      type: '/problems/not-found',
    },
    {
      name: 'media path with %2e%2e segments',
      send: raw(() => '/media/%2e%2e/%2e%2e/etc/passwd'),
      status: 404,
      type: '/problems/not-found',
    },
    {
      name: 'media path with %00',
      send: raw(() => '/media/public/episodes/%00.mp3'),
      status: 404,
      type: '/problems/not-found',
    },
  ];
}

/** The answer as a problem document, checked against what the case expects. */
function readProblem(answer: Answer, c: Case): Problem {
  const where = `${c.name}: ${answer.status} ${answer.text.slice(0, 300)}`;
  assert.ok(answer.status >= 400 && answer.status < 500, `never a 5xx, always a 4xx (${where})`);
  assert.equal(answer.status, c.status, where);
  assert.match(answer.contentType, /^application\/problem\+json/, where);
  const problem = JSON.parse(answer.text) as Problem;
  assert.equal(problem.status, answer.status, where);
  assert.ok(problem.title, where);
  return problem;
}

for (const engine of ENGINES) {
  describe(`bad-input campaign (${engine})`, function () {
    // Longer than the layer’s timeout: each test sends a campaign of hundreds of requests.
    this.timeout(120_000);
    const ctx = {} as Context;
    let work: string;
    /** What the stored show and episode read like before the campaign. */
    let storedBefore: string[];

    const snapshot = async () =>
      Promise.all(
        [
          `/api/shows/${SHOW_INPUT.slug}`,
          `/api/episodes/${ctx.episodeId}`,
          `/api/episodes/${ctx.episodeId}/clips`,
          `/api/shows/${SHOW_INPUT.slug}/topics`,
          `/feeds/${SHOW_INPUT.slug}.xml`,
        ].map(async (path) => {
          const res = await ctx.app.authed(path, {
            signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
          });
          assert.equal(res.status, 200, path);
          return `${path}\n${await res.text()}`;
        }),
      );

    before(async () => {
      work = await tempDir();
      ctx.audio = await tone(4);
      ctx.app = await startTestApp({ engine });
      // One small rendition: the campaign needs a published episode, not a ladder.
      const created = await ctx.app.authed('/api/shows', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...SHOW_INPUT, renditionProfiles: ['mp3-64k-mono'] }),
      });
      assert.equal(created.status, 201, await created.text());
      const upload = await uploadEpisode(ctx.app, ctx.audio, {
        interviewees: '[{"name":"Mounir Mahjoubi","role":"secrétaire d’État"}]',
      });
      assert.equal(upload.status, 202, await upload.clone().text());
      ctx.episodeId = ((await upload.json()) as { id: string }).id;
      const ready = await waitForEpisode(ctx.app.baseUrl, ctx.episodeId);
      assert.equal(ready.state, 'ready', JSON.stringify(ready));
      ctx.duration = ready.durationSeconds as number;
      const published = await ctx.app.authed(`/api/episodes/${ctx.episodeId}/publish`, {
        method: 'POST',
      });
      assert.equal(published.status, 200, await published.text());
      // A title stored before the character rule existed (inputs can no longer carry it).
      await ctx.app.antenne.db.db
        .updateTable('episodes')
        .set({ title: `Entretien\u0001\u000b « chef »\ufffe \u0008fin`, updated_at: new Date() })
        .where('id', '=', ctx.episodeId)
        .execute();
      const { showId } = (await ctx.app.antenne.repos.episodes.findById(ctx.episodeId))!;
      await ctx.app.antenne.feedPublisher.rebuildShow(showId);
      storedBefore = await snapshot();
    });

    after(async () => {
      await ctx.app?.close();
      if (work) await fs.rm(work, { recursive: true, force: true });
    });

    for (const c of campaign(ctx)) {
      it(`refuses ${c.name}`, async () => {
        const answer = await c.send();
        const problem = readProblem(answer, c);
        if (c.type) assert.equal(problem.type, c.type, answer.text);
        if (c.field) {
          assert.ok(
            problem.errors?.some((e) => e.field === c.field && e.in === c.in),
            `${c.name}: no error for ${c.in ?? 'body'} field ${c.field} in ${answer.text.slice(0, 400)}`,
          );
        }
      });
    }

    it('answers oEmbed XML that is well-formed whatever the stored title holds', async () => {
      const url = encodeURIComponent(`${ctx.app.baseUrl}/embed/episodes/${ctx.episodeId}`);
      const res = await fetch(`${ctx.app.baseUrl}/oembed?url=${url}&format=xml`, {
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      assert.equal(res.status, 200);
      const xml = await res.text();
      assert.equal(XMLValidator.validate(xml), true);
      assert.match(xml, XML_CHARS, 'only characters XML 1.0 allows');
      // Dropped, as the feed drops them; the rest of the title is intact.
      assert.match(xml, /<title>Entretien « chef » fin<\/title>/);
      const feed = await (await fetch(`${ctx.app.baseUrl}/feeds/${SHOW_INPUT.slug}.xml`)).text();
      assert.equal(XMLValidator.validate(feed), true);
      assert.match(feed, XML_CHARS, 'the feed: only characters XML 1.0 allows');
      assert.match(feed, /<title><!\[CDATA\[Entretien « chef » fin\]\]><\/title>/);
    });

    it('answers the spec’s 501 problem, naming the parameter, for an oEmbed format it lacks', async () => {
      const url = encodeURIComponent(`${ctx.app.baseUrl}/embed/episodes/${ctx.episodeId}`);
      const res = await fetch(`${ctx.app.baseUrl}/oembed?url=${url}&format=yaml`, {
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      assert.equal(res.status, 501);
      const problem = (await res.json()) as Problem;
      assert.deepEqual(problem.errors, [
        { field: 'format', in: 'query', message: 'must be json or xml' },
      ]);
    });

    it('lost nothing: the show and the episode read as before the campaign', async () => {
      assert.deepEqual(await snapshot(), storedBefore);
    });

    it('takes interviewees as an object, JSON text, or "Name, role" lines, and stores them as people', async () => {
      const upload = await ctx.app.authed(`/api/shows/${SHOW_INPUT.slug}/episodes`, {
        method: 'POST',
        body: await episodeForm(ctx.audio, {
          ...ARTICLE,
          interviewees: '{"name":"Mounir Mahjoubi"}',
        }),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      assert.equal(upload.status, 202, await upload.clone().text());
      const { id } = (await upload.json()) as { id: string };
      const stored = async () =>
        (
          (await (await ctx.app.authed(`/api/episodes/${id}`)).json()) as {
            interviewees: unknown;
          }
        ).interviewees;
      assert.deepEqual(await stored(), [{ name: 'Mounir Mahjoubi' }]);

      const patch = (interviewees: unknown) =>
        ctx.app.authed(`/api/episodes/${id}`, {
          method: 'PATCH',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ interviewees }),
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
      let res = await patch('{"name":"Hervé Morin","role":"président de région"}');
      assert.equal(res.status, 200, await res.text());
      assert.deepEqual(await stored(), [{ name: 'Hervé Morin', role: 'président de région' }]);
      res = await patch({ name: 'Hervé Morin' });
      assert.equal(res.status, 200, await res.text());
      assert.deepEqual(await stored(), [{ name: 'Hervé Morin' }]);
      res = await patch(['Mounir Mahjoubi, secrétaire d’État, numérique', { name: 'Hervé Morin' }]);
      assert.equal(res.status, 200, await res.text());
      assert.deepEqual(await stored(), [
        { name: 'Mounir Mahjoubi', role: 'secrétaire d’État, numérique' },
        { name: 'Hervé Morin' },
      ]);
    });
  });
}
