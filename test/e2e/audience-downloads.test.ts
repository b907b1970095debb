/**
 * Issue 12: audience counting, replaying realistic traffic through the whole app
 * (real Redis, PGlite and PostgreSQL): IAB v2.2 downloads per listener, app and
 * UTC day, the player's listen beacons, and no client address anywhere after it.
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { sql } from 'kysely';
import { ENGINES } from '../helpers/databases.js';
import { TEST_REDIS_URL } from '../helpers/env.js';
import { TEST_TOKEN, useTestApp } from '../helpers/app.js';
import { seededBytes } from '../fixtures/audio.js';
import { addMediaEpisode, renditionUrl, type MediaEpisode } from '../helpers/media-episodes.js';
import { AudienceRepository } from '../../src/db/repositories/audience.repo.js';
import { AudienceBuffer } from '../../src/queue/audience-buffer.js';
import { sumUp } from '../../src/services/audience.js';

const UA = {
  apple: 'AppleCoreMedia/1.0.0.20E247 (iPhone; U; CPU OS 16_4 like Mac OS X; en_us)',
  antennapod: 'AntennaPod/3.2.0',
  gpodder: 'gPodder/3.11.1 (+https://gpodder.github.io/) Linux',
  spotify: 'Spotify/8.8.12 iOS/16.4 (iPhone14,2)',
  chrome:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
  googlebot: 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  curl: 'curl/8.4.0',
};
/** Distinctive client addresses (documentation ranges), searched for after the run. */
const IP = { v4: '203.0.113.77', v6: '2001:db8::77', other: '198.51.100.23' };
const IP_TRACES = ['203.0.113', '2001:db8', '198.51.100'];

/** 10 minutes in 120 kB: one minute is 12 000 bytes. */
const BYTES = 120_000;
const DURATION = 600;
const MINUTE = 12_000;

for (const engine of ENGINES) {
  describe(`audience: downloads and listens counted by IAB rules (${engine})`, function () {
    this.timeout(60_000);
    let now = Date.parse('2026-03-02T08:00:00Z');
    const logs: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logs.push(chunk.toString());
        done();
      },
    });
    const app = useTestApp({
      engine,
      worker: false,
      logger: pino({ level: 'trace' }, sink),
      env: { TRUST_PROXY: 'loopback', LOG_LEVEL: 'trace' },
      antenneOptions: { audienceClock: () => now },
    });
    const bytes = seededBytes(BYTES, 'audience');
    const episodes: Record<string, MediaEpisode> = {};
    const episode = async (name: string, duration = DURATION) => {
      episodes[name] = await addMediaEpisode(app, 'published', bytes, duration);
      return episodes[name];
    };

    /** A request as a podcast app sends it, from `ip` (behind the proxy Antenne trusts). */
    const hit = async (
      e: MediaEpisode,
      who: { ip: string; ua: string },
      options: { range?: string; method?: 'GET' | 'HEAD'; query?: string } = {},
    ) => {
      const res = await fetch(
        `${app.baseUrl}/media/p/${e.publicationKey}/${e.key}${options.query ?? ''}`,
        {
          method: options.method ?? 'GET',
          headers: {
            'x-forwarded-for': who.ip,
            'user-agent': who.ua,
            ...(options.range ? { range: options.range } : {}),
          },
        },
      );
      await res.arrayBuffer();
      assert.ok(res.status === 200 || res.status === 206, `${res.status}`);
    };

    const aggregate = async () => {
      await app.antenne.audience!.recorder.settled();
      return app.antenne.audience!.aggregator.run();
    };

    const downloads = async (e: MediaEpisode) =>
      (
        await app.antenne.db.db
          .selectFrom('audience_downloads')
          .select([sql<string>`day::text`.as('day'), 'app', 'platform', 'downloads'])
          .where('episode_id', '=', e.id)
          .orderBy('day')
          .orderBy('app')
          .execute()
      ).map((r) => `${r.day} ${r.app} ${r.platform} ${r.downloads}`);

    it('counts the same listener once a day, and again the next day', async () => {
      const e = await episode('daily');
      const listener = { ip: IP.v4, ua: UA.apple };
      await hit(e, listener);
      await hit(e, listener, { range: 'bytes=0-' });
      now += 6 * 3600_000;
      await hit(e, listener);
      await aggregate();
      assert.deepEqual(await downloads(e), ['2026-03-02 apple-podcasts ios 1']);

      now = Date.parse('2026-03-03T07:00:00Z');
      await hit(e, listener);
      await aggregate();
      assert.deepEqual(await downloads(e), [
        '2026-03-02 apple-podcasts ios 1',
        '2026-03-03 apple-podcasts ios 1',
      ]);
    });

    it('counts two listeners behind one address with different apps, each as its app', async () => {
      const e = await episode('household');
      await hit(e, { ip: IP.v6, ua: UA.antennapod });
      await hit(e, { ip: IP.v6, ua: UA.gpodder });
      await hit(e, { ip: IP.v6, ua: UA.gpodder });
      await aggregate();
      assert.deepEqual(await downloads(e), [
        '2026-03-03 antennapod android 1',
        '2026-03-03 gpodder linux 1',
      ]);
    });

    it('counts Range requests that add up to a minute of audio, once', async () => {
      const e = await episode('ranges');
      const who = { ip: IP.other, ua: UA.spotify };
      await hit(e, who, { range: 'bytes=0-1' });
      await hit(e, who, { range: `bytes=0-4999` });
      await hit(e, who, { range: `bytes=4000-8999` });
      await aggregate();
      assert.deepEqual(await downloads(e), [], '9 000 bytes: under a minute');
      await hit(e, who, { range: `bytes=9000-${MINUTE - 1}` });
      await hit(e, who, { range: `bytes=${MINUTE}-` });
      await aggregate();
      assert.deepEqual(await downloads(e), ['2026-03-03 spotify ios 1']);
    });

    it('does not count Range requests that stay under a minute, however many', async () => {
      const e = await episode('seeking');
      const who = { ip: IP.v4, ua: UA.antennapod };
      for (let i = 0; i < 5; i++) await hit(e, who, { range: `bytes=0-${MINUTE - 3}` });
      // One byte short of a minute in all.
      await hit(e, who, { range: `bytes=50000-50000` });
      await aggregate();
      assert.deepEqual(await downloads(e), []);
    });

    it('does not count HEAD, bytes=0-1 probes nor bots', async () => {
      const e = await episode('probes');
      for (const ua of [UA.apple, UA.spotify]) {
        await hit(e, { ip: IP.v4, ua }, { method: 'HEAD' });
        await hit(e, { ip: IP.v4, ua }, { range: 'bytes=0-1' });
        await hit(e, { ip: IP.v6, ua }, { range: 'bytes=0-1' });
      }
      await hit(e, { ip: IP.other, ua: UA.googlebot });
      await hit(e, { ip: IP.other, ua: UA.curl });
      await hit(e, { ip: IP.other, ua: '' });
      await aggregate();
      assert.deepEqual(await downloads(e), []);
    });

    it('counts a short file only when all of it was asked for', async () => {
      const e = await episode('short', 30);
      await hit(e, { ip: IP.v4, ua: UA.gpodder }, { range: `bytes=0-${BYTES - 2}` });
      await aggregate();
      assert.deepEqual(await downloads(e), []);
      await hit(e, { ip: IP.v4, ua: UA.gpodder }, { range: `bytes=${BYTES - 1}-` });
      await aggregate();
      assert.deepEqual(await downloads(e), ['2026-03-03 gpodder linux 1']);
    });

    it('attributes the player’s audio requests to the Antenne player', async () => {
      const e = await episode('player');
      const embed = await (await fetch(`${app.baseUrl}/embed/episodes/${e.id}`)).text();
      const src = /<audio[^>]*src="([^"#]+)/.exec(embed)?.[1]?.replaceAll('&amp;', '&');
      assert.ok(src?.endsWith('?via=player'), src);
      assert.match(embed, /data-listens="http:\/\/127\.0\.0\.1:\d+\/api\/listens"/);
      await hit(e, { ip: IP.v4, ua: UA.chrome }, { query: '?via=player' });
      await hit(e, { ip: IP.v6, ua: UA.chrome });
      await aggregate();
      assert.deepEqual(await downloads(e), [
        '2026-03-03 antenne-player windows 1',
        '2026-03-03 browser windows 1',
      ]);
    });

    it('does not count editors’ signed URLs, nor files of unpublished episodes', async () => {
      const draft = await addMediaEpisode(app, 'ready', bytes, DURATION);
      const signed = await renditionUrl(app.baseUrl, draft.id, TEST_TOKEN);
      const res = await fetch(signed, { headers: { 'user-agent': UA.chrome } });
      assert.equal(res.status, 200);
      await res.arrayBuffer();
      const bare = await fetch(`${app.baseUrl}/media/p/guessed0000/${draft.key}`, {
        headers: { 'user-agent': UA.apple },
      });
      assert.equal(bare.status, 404);
      await aggregate();
      assert.deepEqual(await downloads(draft), []);
    });

    /** A beacon as the player sends it (same origin, JSON, no cookie). */
    const beacon = (body: unknown, who = { ip: IP.v4, ua: UA.chrome }, type = 'application/json') =>
      fetch(`${app.baseUrl}/api/listens`, {
        method: 'POST',
        headers: { 'content-type': type, 'x-forwarded-for': who.ip, 'user-agent': who.ua },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });

    it('counts player milestones once per listener and day', async () => {
      const e = await episode('listens');
      for (const [milestone, who] of [
        ['started', { ip: IP.v4, ua: UA.chrome }],
        ['started', { ip: IP.v4, ua: UA.chrome }],
        ['started', { ip: IP.v6, ua: UA.chrome }],
        ['heard-30s', { ip: IP.v4, ua: UA.chrome }],
        ['completed', { ip: IP.v4, ua: UA.chrome }],
        ['started', { ip: IP.other, ua: UA.googlebot }],
      ] as const) {
        const res = await beacon({ episodeId: e.id, milestone }, who);
        assert.equal(res.status, 204, await res.text());
      }
      await aggregate();
      const rows = await app.antenne.db.db
        .selectFrom('audience_listens')
        .select([sql<string>`day::text`.as('day'), 'milestone', 'listens'])
        .where('episode_id', '=', e.id)
        .orderBy('milestone')
        .execute();
      assert.deepEqual(
        rows.map((r) => `${r.day} ${r.milestone} ${r.listens}`),
        ['2026-03-03 completed 1', '2026-03-03 heard-30s 1', '2026-03-03 started 2'],
      );
    });

    it('refuses beacons for unpublished episodes (404) and malformed ones (400/415)', async () => {
      const draft = await addMediaEpisode(app, 'ready', bytes, DURATION);
      const e = episodes.listens!;
      const unpublished = await beacon({ episodeId: draft.id, milestone: 'started' });
      assert.equal(unpublished.status, 404);
      assert.match(unpublished.headers.get('content-type') ?? '', /problem\+json/);
      const missing = await beacon({ episodeId: 'zz0000000000', milestone: 'started' });
      assert.equal(missing.status, 404);
      for (const body of [
        {},
        { episodeId: e.id },
        { episodeId: e.id, milestone: 'halfway' },
        { episodeId: '../etc/passwd', milestone: 'started' },
        { episodeId: e.id, milestone: 'started', listener: 'me@example.org' },
        { episodeId: 42, milestone: ['started'] },
        { episodeId: `${e.id}\u0000`, milestone: 'started' },
      ]) {
        const res = await beacon(body);
        assert.equal(res.status, 400, JSON.stringify(body));
        const problem = (await res.json()) as { status: number };
        assert.equal(problem.status, 400);
      }
      assert.equal((await beacon('{"episodeId":')).status, 400);
      assert.equal((await beacon('episodeId=x', undefined, 'text/plain')).status, 415);
      await aggregate();
      const rows = await app.antenne.db.db
        .selectFrom('audience_listens')
        .select('episode_id')
        .where('episode_id', '=', draft.id)
        .execute();
      assert.deepEqual(rows, []);
    });

    it('adds each buffered event once, even with two aggregations at once', async () => {
      const e = await episode('twice');
      await hit(e, { ip: IP.v4, ua: UA.apple });
      await hit(e, { ip: IP.v6, ua: UA.apple });
      await app.antenne.audience!.recorder.settled();
      const runs = await Promise.all([
        app.antenne.audience!.aggregator.run(),
        app.antenne.audience!.aggregator.run(),
      ]);
      assert.equal(runs[0] + runs[1], 2);
      assert.equal(await aggregate(), 0);
      assert.deepEqual(await downloads(e), ['2026-03-03 apple-podcasts ios 2']);
    });

    it('adds a batch once when a run died between the database commit and the Redis trim', async () => {
      const e = await episode('crash');
      for (const ip of [IP.v4, IP.v6, IP.other]) await hit(e, { ip, ua: UA.spotify });
      await app.antenne.audience!.recorder.settled();
      // A run that committed its batch, then died before trimming the events from Redis.
      const redis = new Redis(TEST_REDIS_URL);
      const repo = new AudienceRepository(app.antenne.db.db);
      try {
        const buffer = new AudienceBuffer(redis, app.queuePrefix);
        const from = await repo.cursor();
        const events = await buffer.readAfter(from, 100);
        assert.equal(events.length, 3);
        const to = events.at(-1)!.id;
        const sums = sumUp(events.map((b) => b.event));
        assert.equal(await repo.addBatch({ from, to, ...sums }), true);
        // The same batch again, from a run that read it before the commit: refused.
        assert.equal(await repo.addBatch({ from, to, ...sums }), false);
      } finally {
        redis.disconnect();
      }
      assert.equal(await aggregate(), 0, 'the next run starts after the cursor');
      assert.deepEqual(await downloads(e), ['2026-03-03 spotify ios 3']);
    });

    it('leaves no client address in the database, Redis or the logs', async () => {
      // A failed sign-in from each address: the rate limiter counts it in Redis.
      for (const ip of [IP.v4, IP.v6]) {
        const res = await fetch(`${app.baseUrl}/api/session`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
          body: JSON.stringify({ email: 'nobody@example.org', password: 'not the password' }),
        });
        assert.equal(res.status, 401);
        await res.arrayBuffer();
      }
      assert.ok(logs.length > 0, 'the logs were captured');
      const tables = await sql<{ tablename: string }>`
        select tablename from pg_tables where schemaname = 'public'`.execute(app.antenne.db.db);
      assert.ok(tables.rows.length > 10);
      const dump: string[] = [];
      for (const { tablename } of tables.rows) {
        const rows = await sql`select * from ${sql.table(tablename)}`.execute(app.antenne.db.db);
        dump.push(`${tablename}\n${JSON.stringify(rows.rows)}`);
      }
      const everything = dump.join('\n');
      assert.ok(everything.includes('apple-podcasts'), 'the dump holds the counts');

      const redis = new Redis(TEST_REDIS_URL);
      const stored: string[] = [];
      try {
        let cursor = '0';
        do {
          const [next, keys] = await redis.scan(cursor, 'MATCH', `${app.queuePrefix}:*`);
          cursor = next;
          for (const key of keys) {
            stored.push(key);
            const type = await redis.type(key);
            if (type === 'string') stored.push((await redis.get(key)) ?? '');
            if (type === 'stream') stored.push(JSON.stringify(await redis.xrange(key, '-', '+')));
            if (type === 'hash') stored.push(JSON.stringify(await redis.hgetall(key)));
          }
        } while (cursor !== '0');
      } finally {
        redis.disconnect();
      }
      assert.ok(
        stored.some((k) => k.includes(':audience:')),
        'Redis holds audience state',
      );

      for (const trace of IP_TRACES) {
        assert.ok(!everything.includes(trace), `${trace} in the database`);
        assert.ok(!stored.join('\n').includes(trace), `${trace} in Redis`);
        assert.ok(!logs.join('').includes(trace), `${trace} in the logs`);
      }
    });
  });
}
