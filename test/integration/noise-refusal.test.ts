import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { probe, ProbeError } from '../../src/media/ffprobe.js';
import { assertProbedAudio, probeFailure } from '../../src/media/validate-input.js';
import { BadMediaError } from '../../src/core/errors.js';
import { seededBytes } from '../fixtures/audio.js';

/**
 * Whatever format ffprobe guesses for noise (mp3 with bad frames, lrc, h263…),
 * the editor is told the file is not audio that can be taken, never a bare codec name.
 */
describe('noise named .mp3, through the real ffprobe', function () {
  // Longer than the layer’s timeout: runs ffprobe on many noise files, one after another.
  this.timeout(60_000);
  let dir: string;
  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'antenne-noise-'));
  });
  after(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('refuses 60 different noise files, each with a reason that says it is not audio', async () => {
    for (let seed = 0; seed < 60; seed += 1) {
      const file = path.join(dir, `noise-${seed}.mp3`);
      await fs.writeFile(file, seededBytes(64 * 1024, `noise-${seed}`));
      let refusal: unknown;
      try {
        assertProbedAudio(
          await probe(file, { ffprobePath: process.env.FFPROBE_PATH ?? 'ffprobe' }),
        );
      } catch (error) {
        refusal = error instanceof ProbeError ? probeFailure(error.stderr) : error;
      }
      assert.ok(refusal instanceof BadMediaError, `noise-${seed} is refused as bad media`);
      assert.match(
        refusal.message,
        /not audio|no audio track/i,
        `noise-${seed}: ${refusal.message}`,
      );
      assert.doesNotMatch(refusal.message, /noise-\d+|\/tmp\//, 'no server path in the reason');
    }
  });
});
