/**
 * Article prefill over HTTP: French JSON-LD read from a page served on localhost
 * (allowed by configuration), and the default refusals of private addresses.
 */
import assert from 'node:assert/strict';
import dns from 'node:dns/promises';
import os from 'node:os';
import { startTestApp, TEST_TOKEN, type TestApp } from '../helpers/app.js';
import { serveArticle } from '../helpers/article-page.js';

const prefill = (app: TestApp, url: string, headers: Record<string, string> = {}) =>
  fetch(`${app.baseUrl}/api/prefill`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${TEST_TOKEN}`,
      ...headers,
    },
    body: JSON.stringify({ url }),
  });

interface Problem {
  status: number;
  title: string;
  detail: string;
  errors?: { field: string; message: string }[];
}

describe('article prefill (POST /api/prefill)', function () {
  let page: Awaited<ReturnType<typeof serveArticle>>;
  let allowed: TestApp;
  let strict: TestApp;
  before(async () => {
    page = await serveArticle();
    allowed = await startTestApp({
      engine: 'pglite',
      worker: false,
      env: { PREFILL_ALLOWED_HOSTS: '127.0.0.1' },
    });
    strict = await startTestApp({ engine: 'pglite', worker: false });
  });
  after(async () => {
    await allowed?.close();
    await strict?.close();
    await page?.close();
  });

  it('reads the NewsArticle JSON-LD with its French text intact', async () => {
    const res = await prefill(allowed, page.url);
    assert.equal(res.status, 200, await res.clone().text());
    const body = (await res.json()) as Record<string, unknown>;
    assert.deepEqual(body, {
      articleUrl: 'https://example.org/2018/05/31/la-team-normandie',
      title: 'La Team Normandie « chef de file » du numérique',
      summary: 'Entretien avec la secrétaire d’État chargée du numérique, à Caen.',
      author: 'Marie Lefèvre, Théo Doré',
      publishedAt: '2018-05-31T07:30:00.000Z',
      imageUrl: 'https://example.org/images/une.jpg',
      categories: ['Événements', 'Thématiques Normandie Numérique', 'Numérique', 'Caen'],
      language: 'fr-FR',
      source: 'Normandie Actu',
    });
  });

  it('falls back to OpenGraph and <meta> without JSON-LD, resolving relative images', async () => {
    const bare = await serveArticle(
      `<html><head><title>Repli</title><meta property="og:title" content="Titre « OG »">
       <meta name="description" content="Résumé méta"><meta property="og:image" content="/a.jpg">
       <meta name="author" content="Zoé Ågren"></head></html>`,
    );
    try {
      const res = await prefill(allowed, bare.url);
      const body = (await res.json()) as Record<string, unknown>;
      assert.equal(body.title, 'Titre « OG »');
      assert.equal(body.summary, 'Résumé méta');
      assert.equal(body.author, 'Zoé Ågren');
      assert.equal(body.imageUrl, `${bare.origin}/a.jpg`);
      assert.equal(body.articleUrl, bare.url);
    } finally {
      await bare.close();
    }
  });

  for (const target of ['http://127.0.0.1:9/', 'http://169.254.169.254/latest/meta-data/']) {
    it(`refuses ${target} by default with a 422 problem naming the url field`, async () => {
      const res = await prefill(strict, target);
      assert.equal(res.status, 422);
      assert.match(res.headers.get('content-type') ?? '', /application\/problem\+json/);
      const problem = (await res.json()) as Problem;
      assert.equal(problem.title, 'This address cannot be fetched');
      assert.match(
        problem.detail,
        /is a (loopback|link-local) address; only addresses on the public/,
      );
      assert.equal(problem.errors?.[0]?.field, 'url');
    });
  }

  it('refuses the served page itself by default (it is on 127.0.0.1)', async () => {
    const res = await prefill(strict, page.url);
    assert.equal(res.status, 422);
  });

  it('checks the address at connect time: a host name resolving to loopback is refused', async () => {
    const name = os.hostname();
    const resolved = await dns.lookup(name);
    assert.equal(resolved.address, '127.0.0.1', `${name} should resolve to loopback here`);
    const res = await prefill(strict, `http://${name}:${page.port}/`);
    assert.equal(res.status, 422);
    const problem = (await res.json()) as Problem;
    assert.match(problem.detail, new RegExp(`${name} resolves to a private`));
  });

  it('re-checks every redirect: an allowed page redirecting to 169.254.169.254 is refused', async () => {
    const res = await prefill(
      allowed,
      `${page.origin}/redirect?to=${encodeURIComponent('http://169.254.169.254/latest/')}`,
    );
    assert.equal(res.status, 422);
    assert.match(((await res.json()) as Problem).detail, /169\.254\.169\.254/);
  });

  it('follows a redirect to an allowed page', async () => {
    const res = await prefill(
      allowed,
      `${page.origin}/redirect?to=${encodeURIComponent('/2018/05/31/la-team-normandie')}`,
    );
    assert.equal(res.status, 200);
  });

  it('refuses non-http schemes, oversized pages and anonymous callers', async () => {
    const ftp = await prefill(allowed, 'ftp://example.org/article');
    assert.equal(ftp.status, 422);
    assert.match(((await ftp.json()) as Problem).detail, /only http and https/);
    const big = await prefill(allowed, `${page.origin}/big`);
    assert.equal(big.status, 424);
    assert.match(((await big.json()) as Problem).detail, /larger than 2 MiB/);
    const anonymous = await fetch(`${allowed.baseUrl}/api/prefill`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url: page.url }),
    });
    assert.equal(anonymous.status, 401);
    const empty = await prefill(allowed, '');
    assert.equal(empty.status, 400);
  });
});
