/**
 * Long recordings that need the limiter (issue 14): one pass over the input (split
 * over two processes), the limiter probes on the sample that pass wrote, and the
 * published file on target, measured independently on the file itself. When the
 * sample misleads (the loud passages lie outside it), the measured output shows the
 * miss and the safety net encodes again: loudness within 1 LU, true peak ≤ −1 dBTP.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { RENDITION_PROFILES } from '../../src/core/media-types.js';
import { targetFor } from '../../src/media/loudness.js';
import {
  OUTPUT_TOLERANCE_LU,
  processMaster,
  SAMPLED_PROBES_FROM_SECONDS,
  type PipelineResult,
} from '../../src/media/pipeline.js';
import { ffmpegRun, makeAtLoudness, measureLoudness, tempDir } from '../helpers/audio.js';
import { loopedInterview } from '../fixtures/audio.js';

const target = targetFor(2, -16, -1);

async function processLong(input: string, dir: string, seconds: number): Promise<PipelineResult> {
  return processMaster(
    {
      input,
      declaredDurationSeconds: seconds,
      dir,
      ladder: [RENDITION_PROFILES['mp3-128k']!],
      target,
      tags: { title: 'Entretien « long »', artist: 'Antenne', album: 'Tests' },
      parallelism: 2,
    },
    { ffmpegPath: 'ffmpeg', timeoutMs: 170_000 },
  );
}

describe('loudness of a long program: one input pass, limiter probes on a sample', function () {
  // Longer than the layer’s timeout: measures and limits programs of minutes with ffmpeg.
  this.timeout(240_000);
  let work: string;
  let looped: string;
  const seconds = SAMPLED_PROBES_FROM_SECONDS + 60;
  before(async () => {
    work = await tempDir('long-program-');
    looped = await loopedInterview(seconds);
  });
  after(() => fs.rm(work, { recursive: true, force: true }));

  it('samples the probes past the threshold and lands within 0.5 LU, ≤ −1 dBTP', async () => {
    // Quiet (-26 LUFS) with speech peaks: +10 dB of gain needs the limiter.
    const input = path.join(work, 'quiet.wav');
    await makeAtLoudness(looped, input, -26, 'anull', ['-c:a', 'pcm_s16le']);
    const dir = path.join(work, 'quiet');
    await fs.mkdir(dir);
    const result = await processLong(input, dir, seconds);
    assert.equal(result.loudness.mode, 'limited');
    // One pass over the whole program; the two probes read the sample it wrote.
    assert.equal(result.measurePasses, 1);
    assert.equal(result.sampleProbes, 2);
    assert.equal(result.encodes, 1);
    assert.ok(Math.abs(result.durationSeconds - seconds) < 0.05, `${result.durationSeconds} s`);
    // The input's true peak, split over two processes, is the whole file's.
    const measuredInput = await measureLoudness(input, 'aformat=channel_layouts=stereo');
    const figures = `${JSON.stringify(result.loudness.input)} vs ${JSON.stringify(measuredInput)}`;
    assert.ok(Math.abs(result.loudness.input.truePeak - measuredInput.truePeak) <= 0.1, figures);
    assert.ok(
      Math.abs(result.loudness.input.integrated - measuredInput.integrated) <= 0.1,
      figures,
    );
    const published = await measureLoudness(result.outputs[0]!.path);
    assert.ok(
      Math.abs(published.integrated - target.integrated) <= 0.5,
      `published at ${published.integrated} LUFS`,
    );
    assert.ok(published.truePeak <= target.truePeak, `true peak ${published.truePeak}`);
    // The probes' sample is gone with the plan.
    assert.deepEqual((await fs.readdir(dir)).sort(), ['mp3-128k.mp3', 'peaks.pcm']);
  });

  it('when the sample misses the loud passages, the safety net still lands on target', async () => {
    // Speech 26 dB quieter where the sample looks (the first 6 s of every minute) than
    // from 15 to 55 s of every minute, where a click every 100 ms rides on it: the
    // limiter works only outside the sample, and the clicks' inter-sample peaks pass
    // a sample-peak limiter.
    const input = path.join(work, 'misleading.wav');
    const loud = 'between(mod(t\\,60)\\,15\\,55)';
    await ffmpegRun([
      '-i',
      looped,
      '-f',
      'lavfi',
      '-i',
      `aevalsrc='if(lt(mod(n\\,4410)\\,2)*${loud}\\,0.5\\,0)':s=44100:d=${seconds}`,
      '-filter_complex',
      "[0:a]volume=eval=frame:volume='if(between(mod(t,60),15,55),1,0.05)'[s];" +
        '[s][1:a]amix=inputs=2:duration=first:normalize=0',
      '-c:a',
      'pcm_s16le',
      input,
    ]);
    const dir = path.join(work, 'misleading');
    await fs.mkdir(dir);
    const result = await processLong(input, dir, seconds);
    assert.equal(result.loudness.mode, 'limited');
    assert.equal(result.sampleProbes, 2);
    // The first encode missed and said so: the second one limits true peaks
    // (oversampled), at a gain measured on the whole program at two corrections.
    assert.equal(result.encodes, 2);
    assert.equal(result.measurePasses, 3);
    assert.ok(result.filters.includes('aresample=176400'), result.filters.join(','));
    assert.ok(
      Math.abs(result.loudness.output.integrated - target.integrated) <= OUTPUT_TOLERANCE_LU,
      `after figures ${result.loudness.output.integrated}`,
    );
    const published = await measureLoudness(result.outputs[0]!.path);
    assert.ok(
      Math.abs(published.integrated - target.integrated) <= 1,
      `published at ${published.integrated} LUFS`,
    );
    assert.ok(published.truePeak <= target.truePeak, `true peak ${published.truePeak}`);
  });
  it('levels a long wide-range program whole, and samples it after the leveler', async () => {
    // A loud host, then a guest 22 dB quieter, a minute and a half each.
    const input = path.join(work, 'wide.wav');
    const half = seconds / 2;
    await ffmpegRun([
      '-i',
      looped,
      '-af',
      `volume=eval=frame:volume='if(lt(t,${half}),1,0.08)'`,
      '-c:a',
      'pcm_s16le',
      input,
    ]);
    const dir = path.join(work, 'wide');
    await fs.mkdir(dir);
    const result = await processLong(input, dir, seconds);
    assert.equal(result.loudness.mode, 'leveled');
    // The input pass, then the leveled pass (which writes the sample); probes on it.
    assert.equal(result.measurePasses, 2);
    // Leveled, the gain still needs the limiter: its probes read the leveled sample.
    assert.ok(
      result.filters.some((f) => f.startsWith('alimiter')),
      result.filters.join(','),
    );
    assert.equal(result.sampleProbes, 2);
    assert.equal(result.encodes, 1);
    const published = await measureLoudness(result.outputs[0]!.path);
    assert.ok(
      Math.abs(published.integrated - target.integrated) <= 1,
      `published at ${published.integrated} LUFS`,
    );
    assert.ok(published.truePeak <= target.truePeak, `true peak ${published.truePeak}`);
    assert.ok(published.lra < result.loudness.input.lra - 5, `LRA ${published.lra}`);
  });
});
