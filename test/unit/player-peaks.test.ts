import assert from 'node:assert/strict';
import {
  parseWaveformJson,
  PEAKS_SAMPLES_PER_PIXEL,
  PeaksAccumulator,
  PLAYER_PEAKS_MAX_BARS,
  playerPeaks,
  type WaveformJson,
} from '../../src/media/peaks.js';

/** A full-resolution set of `pixels` pixels, values from a deterministic pseudo-random walk. */
function fullSet(pixels: number): WaveformJson {
  const data: number[] = [];
  let seed = 7;
  for (let i = 0; i < pixels; i++) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    const amp = seed % 129;
    data.push(-Math.min(128, amp), Math.min(127, amp));
  }
  return {
    version: 2,
    channels: 1,
    sample_rate: 8000,
    samples_per_pixel: PEAKS_SAMPLES_PER_PIXEL,
    bits: 8,
    length: pixels,
    data,
  };
}

describe('player peaks (the embed’s light waveform)', () => {
  it('has at most 1,000 bars whatever the length: 2 min, 60 min, 3 h', () => {
    for (const minutes of [2, 60, 180]) {
      const light = playerPeaks(fullSet(minutes * 60 * 100));
      assert.ok(light.length <= PLAYER_PEAKS_MAX_BARS, `${minutes} min: ${light.length} bars`);
      assert.ok(light.length > PLAYER_PEAKS_MAX_BARS / 2, `${minutes} min: ${light.length} bars`);
      assert.equal(light.data.length, 2 * light.length);
    }
  });

  it('merges whole pixels, so the format still says what a bar covers', () => {
    const full = fullSet(60 * 60 * 100);
    const light = playerPeaks(full);
    const factor = light.samples_per_pixel / full.samples_per_pixel;
    assert.ok(Number.isInteger(factor));
    assert.equal(light.length, Math.ceil(full.length / factor));
    assert.deepEqual(
      { version: light.version, channels: light.channels, bits: light.bits },
      { version: 2, channels: 1, bits: 8 },
    );
    assert.equal(light.sample_rate, full.sample_rate);
  });

  it('keeps every maximum and minimum: each bar is the extreme of the pixels it covers', () => {
    const full = fullSet(12_345);
    const light = playerPeaks(full, 100);
    const factor = light.samples_per_pixel / full.samples_per_pixel;
    for (let bar = 0; bar < light.length; bar++) {
      const mins: number[] = [];
      const maxes: number[] = [];
      for (let p = bar * factor; p < Math.min(full.length, (bar + 1) * factor); p++) {
        mins.push(full.data[2 * p]!);
        maxes.push(full.data[2 * p + 1]!);
      }
      assert.equal(light.data[2 * bar], Math.min(...mins), `bar ${bar} min`);
      assert.equal(light.data[2 * bar + 1], Math.max(...maxes), `bar ${bar} max`);
    }
    assert.equal(Math.max(...light.data), Math.max(...full.data));
    assert.equal(Math.min(...light.data), Math.min(...full.data));
  });

  it('keeps one loud click in a long quiet file', () => {
    const full = fullSet(360_000);
    for (let i = 0; i < full.data.length; i++) full.data[i] = i % 2 ? 1 : -1;
    full.data[2 * 200_001] = -128;
    full.data[2 * 200_001 + 1] = 127;
    const light = playerPeaks(full);
    assert.equal(light.data.filter((v) => v === 127).length, 1);
    assert.equal(light.data.filter((v) => v === -128).length, 1);
  });

  it('stays in the 8-bit range, from real 16-bit extremes', () => {
    const acc = new PeaksAccumulator(2);
    const buf = Buffer.alloc(4 * 3000);
    for (let i = 0; i < 6000; i++) buf.writeInt16LE(i % 2 ? 32767 : -32768, i * 2);
    acc.push(buf);
    const light = playerPeaks(acc.finish(), 10);
    assert.ok(light.data.every((v) => Number.isInteger(v) && v >= -128 && v <= 127));
    assert.deepEqual(light.data.slice(0, 2), [-128, 127]);
  });

  it('leaves a short file as it is (a 5-second clip, an empty file)', () => {
    const short = fullSet(500);
    assert.deepEqual(playerPeaks(short), short);
    const empty = playerPeaks(fullSet(0));
    assert.equal(empty.length, 0);
    assert.deepEqual(empty.data, []);
  });

  it('merges the last, partial group too (length not a multiple of the factor)', () => {
    const full = fullSet(1001);
    const light = playerPeaks(full);
    assert.equal(light.length, 501);
    assert.deepEqual(light.data.slice(-2), full.data.slice(-2));
  });

  it('reads back what it writes, and refuses what it did not write', () => {
    const light = playerPeaks(fullSet(3000));
    assert.deepEqual(parseWaveformJson(JSON.stringify(light)), light);
    assert.throws(() => parseWaveformJson('{"version":2}'));
    assert.throws(() => parseWaveformJson(JSON.stringify({ ...light, length: 3 })));
    assert.throws(() => parseWaveformJson(JSON.stringify({ ...light, data: [300, 0] })));
  });
});
