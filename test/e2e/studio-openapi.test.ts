/**
 * The OpenAPI document: valid OpenAPI 3.1 (checked by an npm validator), and complete:
 * every /api route the running app answers is in it, and nothing more. A route
 * added later without documentation fails here. Then the real answers of every
 * documented operation are checked against the schemas the document gives them.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import { Validator } from '@seriousme/openapi-schema-validator';
import { z } from 'zod';
import {
  EDITOR_HEADERS,
  episodeForm,
  startTestApp,
  useTestApp,
  waitForEpisode,
  type TestApp,
} from '../helpers/app.js';
import { ARTICLE, SHOW_INPUT } from '../fixtures/editorial.js';
import { serveArticle } from '../helpers/article-page.js';
import { tone } from '../fixtures/audio.js';
import { image } from '../fixtures/images.js';
import { tempDir } from '../helpers/audio.js';
import { listRoutes } from '../helpers/routes.js';
import { ADMIN, ADMIN_ENV, signIn, type Session } from '../helpers/sessions.js';
import { toOpenApiPath } from '../../src/http/openapi/document.js';
import { seedAudienceInApp } from '../helpers/audience-app.js';
import { EP, WEEK } from '../helpers/audience-rows.js';

type Doc = {
  openapi: string;
  paths: Record<string, Record<string, Record<string, unknown>>>;
};

describe('OpenAPI document (/api/openapi.json)', function () {
  let app: TestApp;
  let doc: Doc;
  before(async () => {
    app = await startTestApp({ engine: 'pglite', worker: false });
    const res = await fetch(`${app.baseUrl}/api/openapi.json`);
    assert.equal(res.status, 200);
    doc = (await res.json()) as Doc;
  });
  after(() => app?.close());

  it('is a valid OpenAPI 3.1 document', async () => {
    assert.equal(doc.openapi, '3.1.0');
    const validator = new Validator();
    const result = await validator.validate(doc);
    assert.equal(result.valid, true, JSON.stringify(result.errors, null, 2));
  });

  it('documents every /api route of the app, and only routes that exist', () => {
    const routes = listRoutes(app.antenne.app).filter((r) => r.path.startsWith('/api'));
    assert.ok(routes.length >= 20, `only ${routes.length} routes found: is the walk broken?`);
    const missing = routes.filter((r) => !doc.paths[toOpenApiPath(r.path)]?.[r.method]);
    assert.deepEqual(missing, [], 'routes missing from the OpenAPI document');
    const served = new Set(routes.map((r) => `${r.method} ${toOpenApiPath(r.path)}`));
    const stale = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.keys(methods)
        .map((m) => `${m} ${path}`)
        .filter((k) => !served.has(k)),
    );
    assert.deepEqual(stale, [], 'documented operations the app does not serve');
  });

  it('takes request bodies from the zod schemas the routes validate with', () => {
    const body = doc.paths['/api/shows']!.post!.requestBody as {
      content: Record<
        string,
        { schema: { required: string[]; properties: Record<string, unknown> } }
      >;
    };
    const schema = body.content['application/json']!.schema;
    for (const field of [
      'slug',
      'title',
      'description',
      'author',
      'owner',
      'category',
      'siteUrl',
    ]) {
      assert.ok(schema.required.includes(field), field);
    }
    assert.deepEqual(schema.properties.slug, {
      type: 'string',
      pattern: '^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$',
    });
    const upload = doc.paths['/api/shows/{slug}/episodes']!.post!.requestBody as {
      content: Record<string, { schema: { required: string[] } }>;
    };
    assert.ok(upload.content['multipart/form-data']!.schema.required.includes('audio'));
    // Or JSON naming a finished resumable upload.
    assert.ok(upload.content['application/json']!.schema.required.includes('upload'));
    assert.ok(doc.paths['/api/uploads']!.post && doc.paths['/api/uploads/{id}']!.patch);
  });

  it('serves a self-contained reference page listing every operation', async () => {
    const res = await fetch(`${app.baseUrl}/api/docs`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-security-policy') ?? '', /default-src 'none'/);
    const html = await res.text();
    for (const path of Object.keys(doc.paths))
      assert.ok(html.includes(`<code>${path}</code>`), path);
    assert.doesNotMatch(html, /<script|<link[^>]+stylesheet/i);
  });
});

type Who = 'editor token' | Session;
type JsonSchema = Exclude<Parameters<typeof z.fromJSONSchema>[0], boolean>;
interface Documented {
  responses: Record<string, { content?: Record<string, { schema: JsonSchema }> }>;
}

/**
 * Every documented JSON answer, produced for real (session, users, tokens, shows,
 * topics, artwork, episodes through processing, publication, clips, events, prefill,
 * problems), parsed with the schema the served document gives for its status. The
 * document's JSON Schema is read back with zod's JSON Schema reader, so what is
 * checked is what a client generating code from the document would expect.
 */
describe('OpenAPI document: real answers match their documented schemas', function () {
  this.timeout(180_000);
  let article: Awaited<ReturnType<typeof serveArticle>>;
  before(async () => {
    article = await serveArticle();
  });
  const app = useTestApp(
    { engine: 'pglite', env: { ...ADMIN_ENV, PREFILL_ALLOWED_HOSTS: '127.0.0.1' } },
    { show: false },
  );
  let doc: Doc & { components: { schemas: Record<string, JsonSchema> } };
  let work: string;
  let admin: Session;
  /** `method path status` of every answer checked. */
  const checked = new Set<string>();

  before(async () => {
    work = await tempDir('openapi-answers-');
    doc = (await (await fetch(`${app.baseUrl}/api/openapi.json`)).json()) as typeof doc;
  });
  // Registered after the app's hooks: the article page outlives the app.
  after(async () => {
    await article?.close();
    if (work) await fs.rm(work, { recursive: true, force: true });
  });

  /** A validator of `schema`, its references to the document's components resolved. */
  const validatorOf = (schema: JsonSchema) =>
    z.fromJSONSchema(
      JSON.parse(
        JSON.stringify({ ...schema, $defs: doc.components.schemas }).replaceAll(
          '"#/components/schemas/',
          '"#/$defs/',
        ),
      ) as JsonSchema,
    );

  const schemaOf = (method: string, template: string, status: number) => {
    const path = toOpenApiPath(template);
    if (status >= 400) return validatorOf({ $ref: '#/components/schemas/Problem' });
    const op = doc.paths[path]?.[method] as Documented | undefined;
    const schema = op?.responses[status]?.content?.['application/json']?.schema;
    assert.ok(schema, `${method} ${path} documents no JSON answer for ${status}`);
    return validatorOf(schema);
  };

  /** Calls the API and checks the answer's status, media type and body against the document. */
  async function answer(
    who: Who,
    method: 'get' | 'post' | 'put' | 'patch' | 'delete',
    template: string,
    expected: number,
    send: { params?: Record<string, string>; query?: string; json?: unknown } & {
      raw?: { type: string; body: BodyInit };
      form?: FormData;
    } = {},
  ): Promise<Record<string, unknown>> {
    const path = template.replace(/:([a-z]+)/g, (_m, name: string) => send.params?.[name] ?? '');
    const headers: Record<string, string> =
      who === 'editor token'
        ? { ...EDITOR_HEADERS }
        : { cookie: who.cookie, 'x-csrf-token': who.csrfToken };
    let body: BodyInit | undefined;
    if (send.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(send.json);
    } else if (send.raw) {
      headers['content-type'] = send.raw.type;
      body = send.raw.body;
    } else if (send.form) {
      body = send.form;
    }
    const res = await fetch(`${app.baseUrl}${path}${send.query ?? ''}`, {
      method: method.toUpperCase(),
      headers,
      body,
    });
    const text = await res.text();
    assert.equal(res.status, expected, `${method} ${path}: ${text}`);
    const key = `${method} ${toOpenApiPath(template)} ${expected}`;
    if (expected === 204) {
      checked.add(key);
      return {};
    }
    assert.match(
      res.headers.get('content-type') ?? '',
      expected >= 400 ? /^application\/problem\+json/ : /^application\/json/,
    );
    const json = JSON.parse(text) as Record<string, unknown>;
    const result = schemaOf(method, template, expected).safeParse(json);
    assert.ok(
      result.success,
      `${key} differs from its documented schema:\n${result.success ? '' : z.prettifyError(result.error)}\n${text}`,
    );
    checked.add(key);
    return json;
  }

  it('answers accounts, sessions and tokens as documented', async () => {
    const signedIn = await fetch(`${app.baseUrl}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ADMIN),
    });
    assert.equal(signedIn.status, 200);
    const signedInBody = (await signedIn.json()) as unknown;
    const signedInSchema = schemaOf('post', '/api/session', 200);
    assert.ok(signedInSchema.safeParse(signedInBody).success, JSON.stringify(signedInBody));
    checked.add('post /api/session 200');
    admin = await signIn(app.baseUrl, ADMIN.email, ADMIN.password);

    await answer(admin, 'get', '/api/session', 200);
    const user = await answer(admin, 'post', '/api/users', 201, {
      json: { email: 'editor@example.org', name: 'Éditrice', password: 'another long passphrase' },
    });
    const id = String(user.id);
    await answer(admin, 'get', '/api/users', 200);
    await answer(admin, 'patch', '/api/users/:id', 200, { params: { id }, json: { name: 'Léa' } });
    await answer(admin, 'post', '/api/users/:id/password', 200, {
      params: { id },
      json: { password: 'a third long passphrase' },
    });
    await answer(admin, 'delete', '/api/users/:id/sessions', 200, { params: { id } });
    const token = await answer(admin, 'post', '/api/tokens', 201, { json: { name: 'CMS' } });
    await answer(admin, 'get', '/api/tokens', 200);
    await answer(admin, 'delete', '/api/tokens/:id', 200, { params: { id: String(token.id) } });
    await answer(admin, 'delete', '/api/users/:id', 200, {
      params: { id },
      query: '?revokeTokens=true',
    });
    await answer(admin, 'put', '/api/session/password', 200, {
      json: { currentPassword: ADMIN.password, newPassword: 'a brand new passphrase' },
    });
    await answer(admin, 'delete', '/api/users/:id', 404, { params: { id } });
    await answer(admin, 'delete', '/api/session', 204);
    const again = await signIn(app.baseUrl, ADMIN.email, 'a brand new passphrase');
    await answer(again, 'post', '/api/session/sign-out-everywhere', 200);
  });

  it('answers shows, topics, episodes, clips and events as documented', async () => {
    const editor = 'editor token';
    const slug = SHOW_INPUT.slug;
    await answer(editor, 'post', '/api/shows', 201, { json: SHOW_INPUT });
    await answer(editor, 'post', '/api/shows', 400, {
      json: { ...SHOW_INPUT, slug: 'Not A Slug' },
    });
    await answer(editor, 'get', '/api/shows', 200);
    await answer(editor, 'get', '/api/shows/:slug', 200, { params: { slug } });
    await answer(editor, 'get', '/api/shows/:slug', 404, { params: { slug: 'zz-none' } });
    await answer(editor, 'put', '/api/shows/:slug/audio', 200, {
      params: { slug },
      json: { loudnessTargetLufs: -18 },
    });
    await answer(editor, 'put', '/api/shows/:slug/quality', 400, {
      params: { slug },
      json: { minDurationSeconds: 'long' },
    });
    // A 4 s tone is too short: blocking here, so that the gate answers 409 below.
    await answer(editor, 'put', '/api/shows/:slug/quality', 200, {
      params: { slug },
      json: { severities: { 'too-short': 'blocking' } },
    });
    await answer(editor, 'patch', '/api/shows/:slug', 200, {
      params: { slug },
      json: { title: 'Normandie Numérique, la suite' },
    });
    const artwork = await fs.readFile(await image(1400, 1400, 'png'));
    await answer(editor, 'put', '/api/shows/:slug/artwork', 200, {
      params: { slug },
      raw: { type: 'image/png', body: artwork },
    });
    await answer(editor, 'put', '/api/shows/:slug/player', 200, {
      params: { slug },
      json: { allowDownload: false },
    });
    await answer(editor, 'post', '/api/shows/:slug/topics', 201, {
      params: { slug },
      json: { slug: 'evenements', title: 'Événements', category: 'Événements' },
    });
    await answer(editor, 'get', '/api/shows/:slug/topics', 200, { params: { slug } });
    // Announced on another host, then withdrawn: the slug the tests below use stays.
    await answer(editor, 'patch', '/api/shows/:slug/feed-location', 200, {
      params: { slug },
      json: { newFeedUrl: 'https://podcasts.example.net/feed.xml' },
    });
    await answer(editor, 'patch', '/api/shows/:slug/feed-location', 200, {
      params: { slug },
      json: { newFeedUrl: null },
    });
    await answer(editor, 'get', '/api/shows/:slug/feed-location', 200, { params: { slug } });
    await answer(editor, 'delete', '/api/shows/:slug/topics/:topic', 204, {
      params: { slug, topic: 'evenements' },
    });

    const audio = await tone(4);
    const accepted = await answer(editor, 'post', '/api/shows/:slug/episodes', 202, {
      params: { slug },
      form: await episodeForm(audio, ARTICLE),
    });
    const id = String(accepted.id);
    await waitForEpisode(app.baseUrl, id);
    await answer(editor, 'get', '/api/episodes/:id', 200, { params: { id } });
    await answer(editor, 'get', '/api/shows/:slug/episodes', 200, {
      params: { slug },
      query: '?limit=1',
    });
    await answer(editor, 'put', '/api/episodes/:id/chapters', 200, {
      params: { id },
      json: { version: '1.2.0', chapters: [{ startTime: 0, title: 'Ouverture' }] },
    });
    await answer(editor, 'put', '/api/episodes/:id/transcript', 200, {
      params: { id },
      raw: { type: 'text/vtt', body: 'WEBVTT\n\n00:00.000 --> 00:02.000\nBonjour\n' },
    });
    await answer(editor, 'patch', '/api/episodes/:id', 200, {
      params: { id },
      json: { season: 1, episodeNumber: 2, location: { name: 'Caen' } },
    });
    const clip = await answer(editor, 'post', '/api/episodes/:id/clips', 202, {
      params: { id },
      json: { title: 'Le passage clé', start: 0.5, end: 2.5 },
    });
    await answer(editor, 'get', '/api/episodes/:id/clips', 200, { params: { id } });
    await answer(editor, 'get', '/api/clips/:id', 200, { params: { id: String(clip.id) } });
    // The player's beacon: refused before publication, taken after, refused again once withdrawn.
    const listen = { episodeId: id, milestone: 'started' };
    await answer(editor, 'post', '/api/listens', 404, { json: listen });
    await answer(editor, 'post', '/api/episodes/:id/publish', 409, { params: { id }, json: {} });
    await answer(editor, 'post', '/api/episodes/:id/publish', 200, {
      params: { id },
      json: { override: { reason: 'Un extrait court, voulu : « jingle »' } },
    });
    await answer(editor, 'get', '/api/shows/:slug/feed-check', 200, { params: { slug } });
    await answer(editor, 'post', '/api/listens', 204, { json: listen });
    await answer(editor, 'post', '/api/listens', 400, { json: { ...listen, milestone: 'paused' } });
    await answer(editor, 'post', '/api/episodes/:id/unpublish', 200, { params: { id } });
    await answer(editor, 'post', '/api/episodes/:id/reprocess', 202, { params: { id }, json: {} });
    await waitForEpisode(app.baseUrl, id);

    // The event stream of a settled episode: its state, then the end.
    const stream = await app.authed(`/api/episodes/${id}/events`);
    assert.equal(stream.status, 200);
    const events = [...(await stream.text()).matchAll(/^event: (\w+)\ndata: (.+)$/gm)];
    assert.ok(events.length > 0, 'no event');
    for (const [, name, data] of events) {
      const schema = { state: 'EpisodeStateEvent', progress: 'EpisodeProgressEvent' }[name!];
      assert.ok(schema, `undocumented event ${name}`);
      const result = validatorOf({ $ref: `#/components/schemas/${schema}` }).safeParse(
        JSON.parse(data!),
      );
      assert.ok(result.success, `${name}: ${data}`);
    }

    // Corrections and the version history (issue 13).
    await answer(editor, 'get', '/api/episodes/:id/versions', 200, { params: { id } });
    await answer(editor, 'post', '/api/episodes/:id/corrections', 400, {
      params: { id },
      json: { cuts: [{ start: '0:02', end: '0:01' }], reason: 'r', note: 'n' },
    });
    await answer(editor, 'post', '/api/episodes/:id/corrections', 404, {
      params: { id: 'zz0000000000' },
      json: { cuts: [{ start: 1, end: 1.5 }], reason: 'r', note: 'n' },
    });
    await answer(editor, 'post', '/api/episodes/:id/corrections', 202, {
      params: { id },
      json: { cuts: [{ start: 1, end: 1.5 }], reason: 'Erreur', note: 'Un passage a été retiré.' },
    });
    await answer(editor, 'get', '/api/episodes/:id/versions', 200, { params: { id } });
  });

  it('answers audience reports as documented (JSON and CSV)', async () => {
    // The show exists (the test above made it); the shared rows go under it.
    await seedAudienceInApp(app);
    const editor = 'editor token';
    const slug = SHOW_INPUT.slug;
    const query = `?from=${WEEK.from}&to=${WEEK.to}`;
    await answer(editor, 'get', '/api/shows/:slug/audience', 200, { params: { slug }, query });
    await answer(editor, 'get', '/api/shows/:slug/audience', 400, {
      params: { slug },
      query: '?from=2026-11-08&to=2026-11-01',
    });
    await answer(editor, 'get', '/api/shows/:slug/audience', 404, { params: { slug: 'zz-none' } });
    await answer(editor, 'get', '/api/episodes/:id/audience', 200, {
      params: { id: EP.e1 },
      query,
    });
    await answer(editor, 'get', '/api/episodes/:id/audience', 404, {
      params: { id: 'zz0000000000' },
    });
    await answer(editor, 'get', '/api/shows/:slug/audience/articles', 200, {
      params: { slug },
      query,
    });
    for (const [template, path] of [
      ['/api/shows/:slug/audience.csv', `/api/shows/${slug}/audience.csv`],
      ['/api/episodes/:id/audience.csv', `/api/episodes/${EP.e1}/audience.csv`],
      ['/api/shows/:slug/audience/articles.csv', `/api/shows/${slug}/audience/articles.csv`],
    ] as const) {
      const op = doc.paths[toOpenApiPath(template)]?.get as Documented | undefined;
      assert.ok(op?.responses[200]?.content?.['text/csv'], `${template} documents no CSV`);
      const res = await app.authed(`${path}${query}`);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'text/csv; charset=utf-8');
      await res.arrayBuffer();
    }
  });

  it('answers an episode made from a resumable upload as documented', async () => {
    const audio = await fs.readFile(await tone(4));
    const tus = { ...EDITOR_HEADERS, 'tus-resumable': '1.0.0' };
    const created = await fetch(`${app.baseUrl}/api/uploads`, {
      method: 'POST',
      headers: { ...tus, 'upload-length': String(audio.length) },
    });
    assert.equal(created.status, 201);
    const url = created.headers.get('location')!;
    const patch = await fetch(url, {
      method: 'PATCH',
      headers: {
        ...tus,
        'content-type': 'application/offset+octet-stream',
        'upload-offset': '0',
      },
      body: new Uint8Array(audio),
    });
    assert.equal(patch.status, 204);
    const upload = url.split('/').pop()!;
    const send = { params: { slug: SHOW_INPUT.slug }, json: { ...ARTICLE, upload } };
    await answer('editor token', 'post', '/api/shows/:slug/episodes', 202, send);
    await answer('editor token', 'post', '/api/shows/:slug/episodes', 409, send);
  });

  it('answers the prefill and the document itself as documented', async () => {
    await answer('editor token', 'post', '/api/prefill', 200, { json: { url: article.url } });
    await answer('editor token', 'get', '/api/openapi.json', 200);
  });

  it('checked every JSON answer the document promises', () => {
    const promised = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).flatMap(([method, op]) =>
        Object.entries((op as unknown as Documented).responses)
          .filter(([status, r]) => status.startsWith('2') && r.content?.['application/json'])
          .map(([status]) => `${method} ${path} ${status}`),
      ),
    );
    assert.ok(promised.length >= 30, `only ${promised.length} answers documented`);
    assert.deepEqual(
      promised.filter((key) => !checked.has(key)),
      [],
    );
  });
});
