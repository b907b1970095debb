/**
 * The OpenAPI document: valid OpenAPI 3.1 (checked by an npm validator), and complete:
 * every /api route the running app answers is in it, and nothing more. A route
 * added later without documentation fails here.
 */
import assert from 'node:assert/strict';
import { Validator } from '@seriousme/openapi-schema-validator';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { listRoutes } from '../helpers/routes.js';
import { toOpenApiPath } from '../../studio/openapi/document.js';

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
