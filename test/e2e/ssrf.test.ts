/**
 * Issue 10: every server-side fetch goes through the SSRF-safe fetcher. Through
 * the two routes that fetch (POST /api/prefill and GET /api/shows/:slug/feed-check),
 * a recording loopback listener is never contacted, whatever the spelling of the
 * address, a redirect or a DNS name; open and closed ports answer alike; a slow
 * upstream is cut off at the deadline and a flood at the byte cap, with a 4xx
 * problem (prefill) or a line in the report (feed check), never a 5xx.
 */
import assert from 'node:assert/strict';
import dns from 'node:dns/promises';
import os from 'node:os';
import { FEED_CHECK_LIMITS } from '../../src/feeds/check.js';
import { PREFILL_LIMITS } from '../../src/services/prefill/fetch-page.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { SHOW_INPUT } from '../fixtures/editorial.js';
import { eventually, ssrfTargets, useSsrfSockets } from '../helpers/ssrf.js';

interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: { field: string; message: string }[];
}
interface Report {
  ok: boolean;
  problems: { severity: string; where: string; message: string }[];
}

const DEADLINE_MS = 1500;

const prefill = (app: TestApp, url: string) =>
  app.authed('/api/prefill', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ url }),
  });

let showCount = 0;
/** A show whose artwork is `imageUrl`, then its feed check; returns the artwork's line. */
async function artworkCheck(app: TestApp, imageUrl: string): Promise<string | undefined> {
  const slug = `ssrf-${++showCount}`;
  const created = await app.authed('/api/shows', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...SHOW_INPUT, slug, imageUrl }),
  });
  assert.equal(created.status, 201, await created.clone().text());
  const res = await app.authed(`/api/shows/${slug}/feed-check`);
  assert.equal(res.status, 200, await res.clone().text());
  const report = (await res.json()) as Report;
  return report.problems.find((p) => p.where === 'channel' && p.message.startsWith('The artwork'))
    ?.message;
}

describe('SSRF: every server-side fetch refuses private targets (prefill and feed check)', function () {
  // Longer than the layer’s timeout: waits out upstream deadlines on both fetching routes.
  this.timeout(120_000);
  const sockets = useSsrfSockets();
  let strict: TestApp;
  let allowing: TestApp;
  before(async () => {
    strict = await startTestApp({ engine: 'pglite', worker: false });
    // The test policy: the upstream on 127.0.0.2 is allowed, 127.0.0.1 (the recorder) is not.
    allowing = await startTestApp({
      engine: 'pglite',
      worker: false,
      env: { PREFILL_ALLOWED_HOSTS: '127.0.0.2' },
      antenneOptions: {
        outboundFetch: {
          prefill: { limits: { ...PREFILL_LIMITS, timeoutMs: DEADLINE_MS } },
          feedCheck: {
            policy: { allowPrivate: false, allowedHosts: ['127.0.0.2'] },
            limits: { ...FEED_CHECK_LIMITS, timeoutMs: DEADLINE_MS },
          },
        },
      },
    });
  });
  after(async () => {
    await strict?.close();
    await allowing?.close();
  });

  describe('the recorder is never contacted', () => {
    let baseline: number;
    beforeEach(() => (baseline = sockets.recorder.connections.length));
    afterEach(() =>
      assert.deepEqual(
        sockets.recorder.connections.slice(baseline),
        [],
        'the recorder was contacted',
      ),
    );

    const targets = ssrfTargets(0).map((t) => t.replace(':0/', ':PORT/'));
    const hostname = os.hostname();
    targets.push(`http://${hostname}:PORT/`);
    const on = (target: string, port: number) => target.replace(':PORT/', `:${port}/`);

    it(`${hostname} resolves to loopback here (for the DNS case)`, async () => {
      assert.equal((await dns.lookup(hostname)).address, '127.0.0.1');
    });

    for (const target of targets) {
      it(`refuses ${target}: prefill 422, feed check reports it, open = closed port`, async () => {
        const open = await prefill(strict, on(target, sockets.recorder.port));
        const shut = await prefill(strict, on(target, sockets.closed));
        assert.equal(open.status, 422);
        assert.match(open.headers.get('content-type') ?? '', /application\/problem\+json/);
        const body = (await open.json()) as Problem;
        assert.deepEqual(body, await shut.json(), 'open and closed ports answer alike');
        assert.equal(body.title, 'This address cannot be fetched');
        assert.equal(body.type, '/problems/fetch-refused');
        assert.match(body.detail, /only addresses on the public internet are fetched/);
        assert.deepEqual(body.errors, [{ field: 'url', message: body.detail }]);

        const openLine = await artworkCheck(strict, on(target, sockets.recorder.port));
        const shutLine = await artworkCheck(strict, on(target, sockets.closed));
        assert.match(
          openLine ?? 'no artwork line',
          /^The artwork \S+ could not be checked: .*only addresses on the public internet are fetched\.$/,
        );
        assert.equal(
          openLine?.replace(String(sockets.recorder.port), 'PORT'),
          shutLine?.replace(String(sockets.closed), 'PORT'),
          'open and closed ports answer alike',
        );
      });
    }

    it('refuses a redirect from the allowed upstream to loopback, on both routes', async () => {
      for (const to of [
        `http://127.0.0.1:${sockets.recorder.port}/`,
        `http://[::ffff:127.0.0.1]:${sockets.recorder.port}/`,
        `http://${hostname}:${sockets.recorder.port}/`,
      ]) {
        const url = `${sockets.upstream.origin}/redirect?to=${encodeURIComponent(to)}`;
        const res = await prefill(allowing, url);
        assert.equal(res.status, 422, to);
        assert.equal(((await res.json()) as Problem).type, '/problems/fetch-refused');
        assert.match((await artworkCheck(allowing, url)) ?? '', /could not be checked: .*public/);
      }
    });
  });

  it('reaches the allowed upstream through the test policy (the refusals are not blanket)', async () => {
    const page = await prefill(allowing, `${sockets.upstream.origin}/page`);
    assert.equal(page.status, 200, await page.clone().text());
    assert.equal(((await page.json()) as { title: string }).title, 'Page « autorisée »');
    assert.equal(await artworkCheck(allowing, `${sockets.upstream.origin}/artwork.jpg`), undefined);
  });

  it('checks artwork on the instance’s own origin (its media are public)', async () => {
    const line = await artworkCheck(strict, `${strict.baseUrl}/media/public/none.jpg`);
    assert.match(line ?? '', /answers HTTP 404/);
  });

  for (const path of ['/silent', '/trickle']) {
    it(`cuts a ${path.slice(1)} upstream off at the deadline, on both routes`, async () => {
      let started = Date.now();
      const res = await prefill(allowing, `${sockets.upstream.origin}${path}`);
      assert.ok(Date.now() - started < DEADLINE_MS + 3000, 'the prefill ended within the deadline');
      assert.equal(res.status, 424);
      const problem = (await res.json()) as Problem;
      assert.equal(problem.title, 'The article page could not be read');
      assert.match(problem.detail, /no complete answer within 1\.5 s/);
      await eventually(
        () => sockets.upstream.cutOff.filter((p) => p === path).length === 1,
        2000,
        'closed',
      );

      started = Date.now();
      const line = await artworkCheck(allowing, `${sockets.upstream.origin}${path}`);
      assert.ok(Date.now() - started < DEADLINE_MS + 3000, 'the check ended within the deadline');
      assert.match(line ?? '', /could not be checked: .*no complete answer within 1\.5 s/);
      await eventually(
        () => sockets.upstream.cutOff.filter((p) => p === path).length === 2,
        2000,
        'closed',
      );
    });
  }

  it('cuts an endless answer off at the byte cap (2 MiB prefill, 10 MiB artwork)', async () => {
    const res = await prefill(allowing, `${sockets.upstream.origin}/flood`);
    assert.equal(res.status, 424);
    assert.match(((await res.json()) as Problem).detail, /the answer is larger than 2 MiB/);
    await eventually(
      () => sockets.upstream.cutOff.filter((p) => p === '/flood').length === 1,
      2000,
      'closed',
    );

    const line = await artworkCheck(allowing, `${sockets.upstream.origin}/flood`);
    assert.match(line ?? '', /could not be checked: the answer is larger than 10 MiB/);
    await eventually(
      () => sockets.upstream.cutOff.filter((p) => p === '/flood').length === 2,
      2000,
      'closed',
    );

    const declared = await artworkCheck(allowing, `${sockets.upstream.origin}/declared`);
    assert.match(declared ?? '', /larger than 10 MiB/);
  });
});
