/**
 * The audience buffer on a real Redis: a window's downloads go to Redis as one
 * script run, and still decide exactly as one at a time.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { AudienceBuffer, DownloadBatch } from '../../src/queue/audience-buffer.js';
import { TEST_REDIS_URL } from '../helpers/env.js';

describe('audience buffer (real Redis)', function () {
  let redis: Redis;
  let prefix: string;
  let buffer: AudienceBuffer;
  let calls: number;

  interface Ask {
    readonly listener: string;
    readonly spans: readonly { start: number; end: number }[];
    readonly episodeId?: string;
  }
  /** One window: the asks in order, one script run. */
  const window = (asks: readonly Ask[]) => {
    const batch = new DownloadBatch('2026-12-03', 600);
    for (const { listener, spans, episodeId = 'ep1' } of asks)
      batch.add({
        listener,
        episodeId,
        showId: 'show',
        renditionId: `r-${episodeId}`,
        threshold: 1000,
        app: 'gpodder',
        platform: 'linux',
        spans,
      });
    return buffer.decide(batch);
  };
  const one = (listener: string, start: number, end: number, episodeId = 'ep1') =>
    ({ listener, spans: [{ start, end }], episodeId }) satisfies Ask;
  const ask = async (listener: string, start: number, end: number, episodeId = 'ep1') =>
    (await window([one(listener, start, end, episodeId)]))[0];
  const askSpans = async (listener: string, spans: { start: number; end: number }[]) =>
    (await window([{ listener, spans }]))[0];

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
    const outcomes = await window([
      one('anne', 0, 499), // half the threshold
      one('anne', 400, 999), // the union reaches it: counted now
      one('anne', 0, 999), // the same episode again: counted before
      one('bruno', 0, 2000), // another listener, a minute at once
      one('claire', 0, 99), // under it
      one('anne', 0, 999, 'ep2'), // another episode
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

  it('keeps a listener’s state under the day’s keys, and streams the event the aggregation reads', async () => {
    const key = (kind: string, id: string) => `${prefix}:audience:${kind}:2026-12-03:${id}:karl`;
    assert.equal(await ask('karl', 0, 99), 'not-yet');
    assert.equal(await redis.get(key('ranges', 'r-ep1')), '0-99');
    assert.ok((await redis.ttl(key('ranges', 'r-ep1'))) > 590);
    assert.equal(await ask('karl', 100, 999), 'counted');
    assert.equal(await redis.exists(key('ranges', 'r-ep1')), 0, 'ranges dropped once counted');
    assert.ok((await redis.ttl(key('counted', 'ep1'))) > 590);
    const [entry] = await buffer.readAfter('0-0', 10);
    assert.deepEqual(entry?.event, {
      t: 'd',
      day: '2026-12-03',
      episodeId: 'ep1',
      showId: 'show',
      app: 'gpodder',
      platform: 'linux',
    });
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
    await window([one('hugo', 0, 999), one('ines', 0, 999), one('jules', 0, 999)]);
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

  it('fails the window when Redis refuses the run', async () => {
    redis.disconnect();
    await assert.rejects(window([one('emma', 0, 999), one('fred', 0, 999)]));
  });
});
