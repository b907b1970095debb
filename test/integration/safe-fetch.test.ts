/**
 * The SSRF-safe fetcher on real sockets: refused targets never reach the
 * recording listener, redirects and DNS answers are re-checked, and the
 * deadline and the byte cap end the exchange and close the connection.
 */
import assert from 'node:assert/strict';
import dns from 'node:dns/promises';
import os from 'node:os';
import { SafeFetchError } from '../../src/net/fetch-error.js';
import { PUBLIC_ONLY, type FetchPolicy } from '../../src/net/fetch-policy.js';
import { safeFetch, type FetchLimits, type SafeFetchRequest } from '../../src/net/safe-fetch.js';
import { eventually, ssrfTargets, useSsrfSockets } from '../helpers/ssrf.js';

const LIMITS: FetchLimits = { timeoutMs: 5000, maxBytes: 1024 * 1024, maxRedirects: 3 };
const request = (policy: FetchPolicy, limits: Partial<FetchLimits> = {}): SafeFetchRequest => ({
  policy,
  limits: { ...LIMITS, ...limits },
  userAgent: 'antenne-test',
});
const ALLOW_UPSTREAM: FetchPolicy = { allowPrivate: false, allowedHosts: ['127.0.0.2'] };

async function fetchError(url: string, req: SafeFetchRequest): Promise<SafeFetchError> {
  try {
    const res = await safeFetch(url, req);
    assert.fail(`${url} was fetched (HTTP ${res.status})`);
  } catch (error) {
    assert.ok(error instanceof SafeFetchError, `a SafeFetchError, not ${String(error)}`);
    return error;
  }
}

describe('net: safe fetch on real sockets', function () {
  const sockets = useSsrfSockets();

  it('reaches the recorder when private addresses are allowed (the recorder works)', async () => {
    const before = sockets.recorder.connections.length;
    for (const url of [
      `http://127.0.0.1:${sockets.recorder.port}/`,
      `http://[::1]:${sockets.recorder.port}/`,
    ]) {
      const res = await safeFetch(url, request({ allowPrivate: true, allowedHosts: [] }));
      assert.equal(res.status, 200);
      assert.equal(res.body.toString(), 'INTERNAL OK');
    }
    assert.equal(sockets.recorder.connections.length, before + 2);
  });

  describe('refused before any connection', () => {
    let baseline: number;
    beforeEach(() => (baseline = sockets.recorder.connections.length));
    afterEach(() =>
      assert.equal(sockets.recorder.connections.length, baseline, 'the recorder was contacted'),
    );

    for (const target of ssrfTargets(0)) {
      it(`refuses ${target.replace(':0/', ':PORT/')}`, async () => {
        const open = await fetchError(
          target.replace(':0/', `:${sockets.recorder.port}/`),
          request(PUBLIC_ONLY),
        );
        const shut = await fetchError(
          target.replace(':0/', `:${sockets.closed}/`),
          request(PUBLIC_ONLY),
        );
        assert.equal(open.kind, 'refused', open.message);
        assert.equal(open.message, shut.message, 'open and closed ports answer alike');
        assert.match(open.message, /only addresses on the public internet are fetched/);
      });
    }

    it('refuses a host name that resolves to loopback, in the connecting socket’s lookup', async () => {
      const name = os.hostname();
      assert.equal((await dns.lookup(name)).address, '127.0.0.1', `${name} resolves to loopback`);
      const error = await fetchError(
        `http://${name}:${sockets.recorder.port}/`,
        request(PUBLIC_ONLY),
      );
      assert.equal(error.kind, 'refused');
      assert.match(error.message, new RegExp(`^${name} resolves to a private or reserved address`));
    });

    it('re-checks redirects: an allowed upstream redirecting to loopback is refused', async () => {
      for (const to of [
        `http://127.0.0.1:${sockets.recorder.port}/`,
        `http://[::1]:${sockets.recorder.port}/`,
        `http://[::ffff:7f00:1]:${sockets.recorder.port}/`,
        `http://${os.hostname()}:${sockets.recorder.port}/`,
        `http://localhost:${sockets.recorder.port}/`,
      ]) {
        const url = `${sockets.upstream.origin}/redirect?to=${encodeURIComponent(to)}`;
        const error = await fetchError(url, request(ALLOW_UPSTREAM));
        assert.equal(error.kind, 'refused', `${to}: ${error.message}`);
      }
    });

    it('trusts an origin exactly: the same host on another port is refused', async () => {
      const policy: FetchPolicy = { ...PUBLIC_ONLY, trustedOrigins: [sockets.upstream.origin] };
      const page = await safeFetch(`${sockets.upstream.origin}/page`, request(policy));
      assert.equal(page.status, 200);
      const error = await fetchError(`http://127.0.0.2:${sockets.recorder.port}/`, request(policy));
      assert.equal(error.kind, 'refused');
    });

    it('refuses other schemes and credentials in the URL', async () => {
      for (const url of ['ftp://example.org/', 'file:///etc/passwd', 'http://u:p@example.org/']) {
        assert.equal((await fetchError(url, request(PUBLIC_ONLY))).kind, 'refused', url);
      }
    });
  });

  it('follows allowed redirects up to the limit, then stops', async () => {
    const hop = (to: string) => `${sockets.upstream.origin}/redirect?to=${encodeURIComponent(to)}`;
    const two = hop(hop('/page'));
    const res = await safeFetch(two, request(ALLOW_UPSTREAM));
    assert.equal(res.status, 200);
    assert.equal(res.url, `${sockets.upstream.origin}/page`);
    assert.match(res.body.toString('utf8'), /Page « autorisée »/);
    const four = hop(hop(hop(hop('/page'))));
    const error = await fetchError(four, request(ALLOW_UPSTREAM));
    assert.match(error.message, /more than 3 redirects/);
  });

  it('says why an allowed host could not be read (closed port, unknown host)', async () => {
    const shut = await fetchError(`http://127.0.0.2:${sockets.closed}/`, request(ALLOW_UPSTREAM));
    assert.equal(shut.kind, 'failed');
    assert.match(shut.message, /127\.0\.0\.2 refused the connection/);
    const unknown = await fetchError('http://nowhere.invalid/', request(PUBLIC_ONLY));
    assert.equal(unknown.kind, 'failed');
    assert.match(unknown.message, /nowhere\.invalid/);
  });

  for (const path of ['/silent', '/trickle']) {
    it(`ends a ${path.slice(1)} upstream at the deadline and closes the connection`, async () => {
      const started = Date.now();
      const error = await fetchError(
        `${sockets.upstream.origin}${path}`,
        request(ALLOW_UPSTREAM, { timeoutMs: 1000 }),
      );
      assert.equal(error.kind, 'failed');
      assert.match(error.message, /no complete answer within 1 s/);
      assert.ok(Date.now() - started < 4000, 'ended within the deadline (plus slack)');
      await eventually(
        () => sockets.upstream.cutOff.includes(path),
        2000,
        `${path} connection closed`,
      );
    });
  }

  it('cuts off an endless body at the byte cap and closes the connection', async () => {
    const error = await fetchError(`${sockets.upstream.origin}/flood`, request(ALLOW_UPSTREAM));
    assert.equal(error.kind, 'failed');
    assert.match(error.message, /larger than 1 MiB/);
    await eventually(
      () => sockets.upstream.cutOff.includes('/flood'),
      2000,
      '/flood connection closed',
    );
    const sent = sockets.upstream.sentBytes.get('/flood') ?? 0;
    assert.ok(sent < 64 * 1024 * 1024, `the upstream stopped sending (${sent} bytes)`);
  });

  it('refuses a declared Content-Length above the cap without reading the body', async () => {
    const error = await fetchError(`${sockets.upstream.origin}/declared`, request(ALLOW_UPSTREAM));
    assert.match(error.message, /larger than 1 MiB/);
    await eventually(() => sockets.upstream.cutOff.includes('/declared'), 2000, '/declared closed');
  });

  it('answers a HEAD with headers only', async () => {
    const res = await safeFetch(`${sockets.upstream.origin}/artwork.jpg`, {
      ...request(ALLOW_UPSTREAM),
      method: 'HEAD',
    });
    assert.equal(res.status, 200);
    assert.ok(Number(res.headers['content-length']) > 0);
    assert.equal(res.body.length, 0);
  });
});
