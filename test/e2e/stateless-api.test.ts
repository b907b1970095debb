/**
 * Several API processes behind a load balancer share what must be shared: two
 * Antenne instances (two API processes' worth, each with its own data dir) on one
 * PostgreSQL database and one Redis prefix count failed sign-ins together.
 */
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { tempDir } from '../helpers/audio.js';
import { TEST_REDIS_URL } from '../helpers/env.js';
import { trySignIn } from '../helpers/sessions.js';

const USER = { email: 'editrice@example.org', password: 'a long and correct passphrase' };

describe('stateless API processes', function () {
  let first: TestApp;
  let second: TestApp;

  before(async () => {
    // As behind nginx: one trusted hop, so the client address comes from X-Forwarded-For.
    const env = { LOGIN_ATTEMPTS_PER_15_MIN: '3', TRUST_PROXY: '1' };
    first = await startTestApp({ engine: 'postgres', worker: false, env });
    second = await startTestApp({
      engine: 'postgres',
      worker: false,
      env,
      // The same database and Redis prefix as the first process, its own empty data dir.
      restart: {
        dataDir: await tempDir('antenne-api-2-'),
        queuePrefix: first.queuePrefix,
        databaseUrl: first.antenne.config.databaseUrl!,
        dropDatabase: () => Promise.resolve(),
      },
    });
    await first.antenne.accounts.createUser({ ...USER, name: 'Éditrice', role: 'editor' });
  });

  after(async () => {
    await second?.close();
    await first?.close();
  });

  it('counts failed sign-ins on one process against the limit on the other', async () => {
    assert.equal((await trySignIn(first.baseUrl, USER.email, 'wrong guess 1')).status, 401);
    assert.equal((await trySignIn(first.baseUrl, USER.email, 'wrong guess 2')).status, 401);
    assert.equal((await trySignIn(second.baseUrl, USER.email, 'wrong guess 3')).status, 401);
    // Three failures in all: the fourth attempt is refused by either process, even the right password.
    const refused = await trySignIn(second.baseUrl, USER.email, USER.password);
    assert.equal(refused.status, 429, JSON.stringify(refused.body));
    assert.equal((await trySignIn(first.baseUrl, USER.email, USER.password)).status, 429);
  });

  it('keeps the counters in Redis under the instance prefix', async () => {
    const redis = new Redis(TEST_REDIS_URL);
    try {
      const keys = await redis.keys(`${first.queuePrefix}:rate-limit:sign-in:*`);
      assert.equal(keys.length, 1, `one client address counted: ${keys.join(', ')}`);
      assert.ok(Number(await redis.get(keys[0]!)) >= 3);
    } finally {
      redis.disconnect();
    }
  });

  it('counts each client behind the proxy apart (X-Forwarded-For from one trusted hop)', async () => {
    const res = await fetch(`${second.baseUrl}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.7' },
      body: JSON.stringify(USER),
    });
    assert.equal(res.status, 200, await res.text());
  });
});
