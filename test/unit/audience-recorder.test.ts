/**
 * Issue 12: the counting hot path only notes a request; a window's requests are
 * weighed together and go to the buffer as one batch. The buffer is a fake here
 * (what it decides is tested on real Redis in test/integration/audience-buffer.test.ts,
 * and the whole path end to end in test/e2e/audience-downloads.test.ts).
 */
import assert from 'node:assert/strict';
import { isbot } from 'isbot';
import type { ListeningTarget } from '../../src/db/repositories/audience.repo.js';
import type {
  AudienceBuffer,
  DownloadBatch,
  DownloadOutcome,
} from '../../src/queue/audience-buffer.js';
import { AudienceRecorder, type DownloadRequest } from '../../src/services/audience.js';

const TARGET: ListeningTarget = {
  renditionId: 'rendition-1',
  episodeId: 'episode-1',
  showId: 'show-1',
  bytes: 9_600_000, // 10 minutes at 128 kb/s: a minute is 960,000 bytes
  durationSeconds: 600,
};
const NOON = Date.UTC(2026, 11, 3, 12);
const MIDNIGHT = Date.UTC(2026, 11, 4);

interface Run {
  readonly day: string;
  readonly ttl: number;
  readonly items: [string, number, number, ...number[]][];
  readonly events: string[];
  readonly raw: string;
}

/** A buffer that records each batch and answers with `answer` (every item counted by default). */
function fakeBuffer(answer?: (run: Run) => Promise<DownloadOutcome[]>) {
  const runs: Run[] = [];
  const buffer = {
    knownDaySecret: () => Buffer.alloc(32, 7),
    daySecret: () => Promise.resolve(Buffer.alloc(32, 7)),
    async decide(batch: DownloadBatch): Promise<DownloadOutcome[]> {
      const [day, ttl, , events, items] = batch.arguments() as [
        string,
        number,
        string,
        string,
        string,
      ];
      const run: Run = {
        day,
        ttl,
        items: JSON.parse(items) as Run['items'],
        events: JSON.parse(events) as string[],
        raw: JSON.stringify(batch.arguments()),
      };
      runs.push(run);
      return answer ? answer(run) : run.items.map(() => 'counted' as const);
    },
  };
  return { buffer: buffer as unknown as AudienceBuffer, runs };
}

function recorder(
  buffer: AudienceBuffer,
  onFailure?: (error: unknown, requests: number) => void,
): AudienceRecorder {
  return new AudienceRecorder({
    buffer,
    repo: { listeningTarget: () => Promise.resolve(TARGET) } as never,
    isBot: isbot,
    now: () => NOON,
    onFailure,
  });
}

const request = (ip: string, overrides: Partial<DownloadRequest> = {}): DownloadRequest => ({
  storageKey: 'renditions/abc.mp3',
  range: 'bytes=0-999999',
  ip,
  userAgent: 'AntennaPod/3.4.0',
  fromPlayer: false,
  at: NOON,
  ...overrides,
});

describe('audience recorder: a window of requests, one batch', () => {
  it('notes requests without deciding them, then sends the window as one batch', async () => {
    const { buffer, runs } = fakeBuffer();
    const r = recorder(buffer);
    r.download(request('10.0.0.1'));
    r.download(request('10.0.0.2'));
    r.download(request('10.0.0.3', { fromPlayer: true }));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(runs.length, 0, 'nothing leaves before the window closes');
    await r.settled();
    assert.equal(runs.length, 1);
    assert.equal(runs[0]!.items.length, 3);
    assert.equal(runs[0]!.day, '2026-12-03');
    // Noon: twelve hours to the end of the day, plus the hour of grace.
    assert.equal(runs[0]!.ttl, 12 * 3600 + 3600);
    // Two events for three items: AntennaPod's and the player's, each written once.
    assert.deepEqual(
      runs[0]!.events.map((e) => (JSON.parse(e) as { app: string }).app),
      ['antennapod', 'antenne-player'],
    );
    assert.deepEqual(
      runs[0]!.items.map((item) => item[2]),
      [1, 1, 2],
    );
  });

  it('sends a full window at once, without waiting for its timer', async () => {
    const { buffer, runs } = fakeBuffer();
    const r = recorder(buffer);
    for (let i = 0; i < 256; i++) r.download(request(`10.0.${i >> 8}.${i & 255}`));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(runs.length, 1);
    assert.equal(runs[0]!.items.length, 256);
    await r.settled();
  });

  it('leaves out bots and unsatisfiable ranges before Redis', async () => {
    const { buffer, runs } = fakeBuffer();
    const r = recorder(buffer);
    r.download(
      request('10.0.0.1', { userAgent: 'Googlebot/2.1 (+http://www.google.com/bot.html)' }),
    );
    r.download(request('10.0.0.2', { range: 'bytes=99999999-' }));
    r.download(request('10.0.0.3'));
    await r.settled();
    assert.equal(runs.length, 1);
    assert.equal(runs[0]!.items.length, 1);
  });

  it('sends listeners’ pseudonyms, never their addresses', async () => {
    const { buffer, runs } = fakeBuffer();
    const r = recorder(buffer);
    r.download(request('203.0.113.77'));
    await r.settled();
    assert.ok(!runs[0]!.raw.includes('203.0.113.77'));
    assert.match(String(runs[0]!.items[0]![0]), /^[\w-]{22}$/);
  });

  it('dates each request by when it was asked: a window across midnight is one batch per day', async () => {
    const { buffer, runs } = fakeBuffer();
    const r = recorder(buffer);
    r.download(request('10.0.0.1', { at: MIDNIGHT - 5 }));
    r.download(request('10.0.0.1', { at: MIDNIGHT + 5 }));
    await r.settled();
    assert.deepEqual(
      runs.map((run) => [run.day, run.items.length]),
      [
        ['2026-12-03', 1],
        ['2026-12-04', 1],
      ],
    );
    // The first request's day ends 5 ms after it was asked: the grace only (rounded up).
    assert.equal(runs[0]!.ttl, 3601);
  });

  it('asks Redis no more about a listener counted today', async () => {
    const { buffer, runs } = fakeBuffer((run) =>
      Promise.resolve(run.items.map((_, i) => (i === 0 ? 'counted' : 'not-yet'))),
    );
    const r = recorder(buffer);
    r.download(request('10.0.0.1'));
    r.download(request('10.0.0.2'));
    await r.settled();
    r.download(request('10.0.0.1')); // counted: skipped
    r.download(request('10.0.0.2')); // not yet: asked again
    await r.settled();
    assert.deepEqual(
      runs.map((run) => run.items.length),
      [2, 1],
    );
    assert.equal(runs[1]!.items[0]![0], runs[0]!.items[1]![0], 'the listener not yet counted');
  });

  it('reports a window that could not be counted, with its number of requests', async () => {
    const failures: [string, number][] = [];
    const { buffer } = fakeBuffer(() => Promise.reject(new Error('Connection is closed.')));
    const r = recorder(buffer, (error, requests) =>
      failures.push([(error as Error).message, requests]),
    );
    for (const ip of ['10.0.0.1', '10.0.0.2', '10.0.0.3']) r.download(request(ip));
    await r.settled();
    assert.deepEqual(failures, [['Connection is closed.', 3]]);
  });

  it('holds at most 64 windows waiting for a stalled Redis, and reports what it drops', async () => {
    let release = () => {};
    const stalled = new Promise<void>((resolve) => (release = resolve));
    const failures: number[] = [];
    const { buffer, runs } = fakeBuffer(async (run) => {
      await stalled;
      return run.items.map(() => 'counted' as const);
    });
    const r = recorder(buffer, (_, requests) => failures.push(requests));
    for (let w = 0; w < 66; w++)
      for (let i = 0; i < 256; i++) r.download(request(`10.${w}.${i >> 8}.${i & 255}`));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(runs.length, 64);
    assert.deepEqual(failures, [256, 256]);
    release();
    await r.settled();
    // Room again once Redis answers.
    r.download(request('10.99.0.1'));
    await r.settled();
    assert.equal(runs.length, 65);
  });
});
