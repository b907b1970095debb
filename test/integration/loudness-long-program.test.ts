/**
 * A long recording that needs the limiter: what the limiter takes is measured on a
 * sample of the program (bench:processing's speed-up), and the published file still
 * lands on the target, measured independently on the file itself.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { RENDITION_PROFILES } from '../../src/core/media-types.js';
import { targetFor } from '../../src/media/loudness.js';
import { processMaster, SAMPLED_PROBES_FROM_SECONDS } from '../../src/media/pipeline.js';
import { ffmpegRun, makeAtLoudness, measureLoudness, tempDir } from '../helpers/audio.js';
import { interview as interviewFixture } from '../fixtures/audio.js';

describe('loudness of a long program: limiter probes on a sample', function () {
  // Longer than the layer’s timeout: measures and limits a program of several minutes with ffmpeg.
  this.timeout(120_000);
  let work: string;
  before(async () => {
    work = await tempDir('long-program-');
  });
  after(() => fs.rm(work, { recursive: true, force: true }));

  it('samples the probes past the threshold and still lands within 0.5 LU of the target', async () => {
    const seconds = SAMPLED_PROBES_FROM_SECONDS + 40;
    const interview = await interviewFixture();
    const looped = path.join(work, 'looped.wav');
    await ffmpegRun(['-stream_loop', '-1', '-i', interview, '-t', String(seconds), looped]);
    // Quiet (-26 LUFS) with speech peaks: +10 dB of gain needs the limiter.
    const input = path.join(work, 'quiet.wav');
    await makeAtLoudness(looped, input, -26, 'anull', ['-c:a', 'pcm_s16le']);

    const ladder = [RENDITION_PROFILES['mp3-128k']!];
    const target = targetFor(2, -16, -1);
    const result = await processMaster(
      {
        input,
        declaredDurationSeconds: seconds,
        dir: work,
        ladder,
        target,
        tags: { title: 'Entretien « long »', artist: 'Antenne', album: 'Tests' },
        parallelism: 2,
      },
      { ffmpegPath: 'ffmpeg', timeoutMs: 110_000 },
    );
    assert.equal(result.loudness.mode, 'limited');
    // Input pass, then the sample without the chain and the two probes on it.
    assert.equal(result.measurePasses, 4);
    const published = await measureLoudness(result.outputs[0]!.path);
    assert.ok(
      Math.abs(published.integrated - target.integrated) <= 0.5,
      `published at ${published.integrated} LUFS`,
    );
    assert.ok(published.truePeak <= target.truePeak + 0.2, `true peak ${published.truePeak}`);
  });
});
