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
    buffer.download({
      listener,
      renditionId: `r-${episodeId}`,
      spans: [{ start, end }],
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
