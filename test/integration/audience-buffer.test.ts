/**
 * The audience buffer on a real Redis: downloads asked in one turn of the event
 * loop go to Redis as one script run, and still decide exactly as one at a time.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { AudienceBuffer } from '../../src/queue/audience-buffer.js';
import { TEST_REDIS_URL } from '../helpers/env.js';

describe('audience buffer (real Redis)', function () {
  let redis: Redis;
  let prefix: string;
  let buffer: AudienceBuffer;
  let calls: number;

  const ask = (listener: string, start: number, end: number, episodeId = 'ep1') =>
    askSpans(listener, [{ start, end }], episodeId);
  const askSpans = (listener: string, spans: { start: number; end: number }[], episodeId = 'ep1') =>
    buffer.download({
      listener,
      renditionId: `r-${episodeId}`,
      spans,
      threshold: 1000,
      ttlSeconds: 600,
      event: {
        t: 'd',
        day: '2026-12-03',
        episodeId,
        showId: 'show',
        app: 'gpodder',
        platform: 'linux',
      },
    });

  beforeEach(async () => {
    redis = new Redis(TEST_REDIS_URL, { lazyConnect: true });
    await redis.connect();
    prefix = `antenne-test-${randomBytes(4).toString('hex')}`;
    buffer = new AudienceBuffer(redis, prefix);
    calls = 0;
    // Counts the script runs that reach Redis.
    const sendCommand = redis.sendCommand.bind(redis);
    redis.sendCommand = (command) => {
      if (/^eval/i.test(command.name)) calls += 1;
      return sendCommand(command);
    };
  });

  afterEach(async () => {
    redis.disconnect();
    const cleaner = new Redis(TEST_REDIS_URL);
    try {
      const keys = await cleaner.keys(`${prefix}:*`);
      if (keys.length) await cleaner.del(...keys);
    } finally {
      cleaner.disconnect();
    }
  });

  it('decides one window’s downloads in one script run, in order', async () => {
    const outcomes = await Promise.all([
      ask('anne', 0, 499), // half the threshold
      ask('anne', 400, 999), // the union reaches it: counted now
      ask('anne', 0, 999), // the same episode again: counted before
      ask('bruno', 0, 2000), // another listener, a minute at once
      ask('claire', 0, 99), // under it
      ask('anne', 0, 999, 'ep2'), // another episode
    ]);
    assert.deepEqual(outcomes, [
      'not-yet',
      'counted',
      'counted-before',
      'counted',
      'not-yet',
      'counted',
    ]);
    assert.equal(calls, 1, 'one script run for the whole window');
    const events = await buffer.readAfter('0-0', 10);
    assert.deepEqual(
      events.map((e) => (e.event?.t === 'd' ? e.event.episodeId : null)),
      ['ep1', 'ep1', 'ep2'],
    );
    assert.equal(new Set(events.map((e) => e.id)).size, 1, 'the window’s counts are one entry');
  });

  it('merges several ranges of one request with the ranges asked before', async () => {
    assert.equal(
      await askSpans('gina', [
        { start: 0, end: 199 },
        { start: 600, end: 799 },
      ]),
      'not-yet',
    );
    assert.equal(
      await askSpans('gina', [
        { start: 150, end: 399 }, // overlaps the first: 400 bytes so far
        { start: 800, end: 1099 }, // touches the second: 500 more
      ]),
      'not-yet',
      '900 of 1000 bytes',
    );
    assert.equal(await ask('gina', 400, 499), 'counted', 'the gap filled: 1,000 bytes');
  });

  it('reads whole entries until the asked count, past unreadable ones', async () => {
    const stream = `${prefix}:audience:events`;
    const broken = await redis.xadd(stream, '*', 'e', 'not json');
    const empty = await redis.xadd(stream, '*', 'x', 'no event here');
    await Promise.all([ask('hugo', 0, 999), ask('ines', 0, 999), ask('jules', 0, 999)]);
    const first = await buffer.readAfter('0-0', 2);
    assert.deepEqual(first, [
      { id: broken, event: null },
      { id: empty, event: null },
    ]);
    // One more asked, the whole batch's entry comes: a cursor never splits an entry.
    const rest = await buffer.readAfter(empty!, 1);
    assert.equal(rest.length, 3);
    assert.ok(rest.every((e) => e.event?.t === 'd' && e.id === rest[0]!.id));
    assert.deepEqual(await buffer.readAfter(rest[0]!.id, 10), []);
  });

  it('keeps a listener’s ranges from one turn to the next', async () => {
    assert.equal(await ask('denis', 0, 599), 'not-yet');
    assert.equal(await ask('denis', 0, 599), 'not-yet', 'the same bytes add nothing');
    assert.equal(await ask('denis', 600, 999), 'counted');
    assert.equal(await ask('denis', 0, 999), 'counted-before');
    assert.equal(calls, 4);
  });

  it('fails every download of a turn when Redis refuses the run', async () => {
    redis.disconnect();
    const outcomes = await Promise.allSettled([ask('emma', 0, 999), ask('fred', 0, 999)]);
    assert.deepEqual(
      outcomes.map((o) => o.status),
      ['rejected', 'rejected'],
    );
  });
});
