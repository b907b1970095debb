/** Issue 12: the IAB v2.2 arithmetic — one minute of audio by bitrate, Range requests, UTC days. */
import assert from 'node:assert/strict';
import {
  coveredBytes,
  downloadThreshold,
  requestedSpans,
  unionOf,
  utcDay,
} from '../../src/core/audience-rules.js';
import { secondsLeftInDay, sumUp } from '../../src/services/audience.js';

describe('audience: download rules', () => {
  it('needs one minute of audio at the rendition’s average bitrate', () => {
    // 10 minutes in 9.6 MB (128 kb/s): a minute is 960 000 bytes.
    assert.equal(downloadThreshold({ bytes: 9_600_000, durationSeconds: 600 }), 960_000);
    // Rounded up: never less than a minute.
    assert.equal(downloadThreshold({ bytes: 1000, durationSeconds: 70 }), 858);
  });

  it('needs the whole file when it is a minute or shorter', () => {
    assert.equal(downloadThreshold({ bytes: 480_000, durationSeconds: 30 }), 480_000);
    assert.equal(downloadThreshold({ bytes: 960_000, durationSeconds: 60 }), 960_000);
    assert.equal(downloadThreshold({ bytes: 5000, durationSeconds: 0 }), 5000);
  });

  it('reads what a GET asks for from its Range', () => {
    assert.deepEqual(requestedSpans(1000, undefined), [{ start: 0, end: 999 }]);
    assert.deepEqual(requestedSpans(1000, 'bytes=0-1'), [{ start: 0, end: 1 }]);
    assert.deepEqual(requestedSpans(1000, 'bytes=500-'), [{ start: 500, end: 999 }]);
    assert.deepEqual(requestedSpans(1000, 'bytes=-100'), [{ start: 900, end: 999 }]);
    assert.deepEqual(requestedSpans(1000, 'bytes=0-99,50-149,900-'), [
      { start: 0, end: 149 },
      { start: 900, end: 999 },
    ]);
    // Unsatisfiable: nothing is sent (416).
    assert.deepEqual(requestedSpans(1000, 'bytes=5000-6000'), []);
    // Malformed or another unit: the whole file is sent, as /media does.
    assert.deepEqual(requestedSpans(1000, 'bytes=abc'), [{ start: 0, end: 999 }]);
    assert.deepEqual(requestedSpans(1000, 'items=0-1'), [{ start: 0, end: 999 }]);
  });

  it('sums Range requests as a union: repeated bytes count once', () => {
    const spans = [
      { start: 0, end: 99 },
      { start: 50, end: 149 },
      { start: 150, end: 199 },
      { start: 500, end: 599 },
    ];
    assert.deepEqual(unionOf(spans), [
      { start: 0, end: 199 },
      { start: 500, end: 599 },
    ]);
    assert.equal(coveredBytes(spans), 300);
    assert.equal(
      coveredBytes([
        { start: 0, end: 1 },
        { start: 0, end: 1 },
      ]),
      2,
    );
  });

  it('dates by UTC calendar day; state lives to the end of the day and an hour more', () => {
    assert.equal(utcDay(new Date('2026-03-01T23:59:59+01:00')), '2026-03-01');
    assert.equal(utcDay(new Date('2026-03-01T23:30:00-02:00')), '2026-03-02');
    assert.equal(secondsLeftInDay(new Date('2026-03-01T23:00:00Z')), 3600 + 3600);
    assert.equal(secondsLeftInDay(new Date('2026-03-01T00:00:00Z')), 86_400 + 3600);
  });

  it('adds up buffered events per daily row, skipping malformed ones', () => {
    const d = { t: 'd', day: '2026-03-01', episodeId: 'e1', showId: 's1' } as const;
    const { downloads, listens } = sumUp([
      { ...d, app: 'spotify', platform: 'ios' },
      { ...d, app: 'spotify', platform: 'ios' },
      { ...d, app: 'gpodder', platform: 'linux' },
      { t: 'l', day: '2026-03-01', episodeId: 'e1', showId: 's1', milestone: 'started' },
      { t: 'l', day: '2026-03-01', episodeId: 'e1', showId: 's1', milestone: 'loud' },
      { ...d, day: 'yesterday', app: 'spotify', platform: 'ios' },
      null,
    ]);
    assert.deepEqual(
      downloads.map((r) => [r.app, r.platform, r.downloads]),
      [
        ['spotify', 'ios', 2],
        ['gpodder', 'linux', 1],
      ],
    );
    assert.deepEqual(
      listens.map((r) => [r.milestone, r.listens]),
      [['started', 1]],
    );
  });
});
