/**
 * The quality analysis on a program long enough for the split input pass (two
 * ffmpeg processes, the analysis in the second): a stereo interview with a dead
 * right channel and a 20 s gap in the middle finds the gap where it is and folds
 * to the left channel, as on a short recording.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { RENDITION_PROFILES } from '../../src/core/media-types.js';
import { analysisOptions } from '../../src/core/quality.js';
import { targetFor } from '../../src/media/loudness.js';
import { processMaster, SPLIT_INPUT_PASS_FROM_SECONDS } from '../../src/media/pipeline.js';
import { decodedDuration, ffmpegRun, tempDir } from '../helpers/audio.js';
import { interview } from '../fixtures/audio.js';

describe('quality analysis of a long program (split input pass)', function () {
  // Longer than the layer’s timeout: about two minutes of audio through ffmpeg.
  this.timeout(120_000);
  let work: string;
  after(() => fs.rm(work, { recursive: true, force: true }));

  it('finds the gap where it is and folds the dead right channel', async () => {
    work = await tempDir('analysis-split-');
    const speech = await interview();
    const speechSeconds = await decodedDuration(speech);
    // Speech looped past the split threshold, 20 s of silence, speech again; the right
    // channel a faint bleed of the left (a dead lavalier).
    const half = Math.ceil(SPLIT_INPUT_PASS_FROM_SECONDS / 2 / speechSeconds) * speechSeconds;
    const input = path.join(work, 'long.wav');
    await ffmpegRun([
      '-stream_loop',
      '-1',
      '-i',
      speech,
      '-filter_complex',
      `[0:a]atrim=0:${half * 2},asetpts=N/SR/TB,asplit=2[a][b];` +
        `[a]atrim=0:${half},apad=pad_dur=20[first];[b]atrim=${half}:${half * 2},asetpts=N/SR/TB[second];` +
        `[first][second]concat=n=2:v=0:a=1,pan=stereo|c0=c0|c1=0.0003*c0[out]`,
      '-map',
      '[out]',
      '-c:a',
      'pcm_s16le',
      input,
    ]);
    const seconds = await decodedDuration(input);
    assert.ok(seconds >= SPLIT_INPUT_PASS_FROM_SECONDS + 20, `${seconds} s`);
    const dir = path.join(work, 'out');
    await fs.mkdir(dir);
    const result = await processMaster(
      {
        input,
        declaredDurationSeconds: seconds,
        dir,
        ladder: [RENDITION_PROFILES['mp3-128k']!],
        target: targetFor(2, -16, -1),
        tags: { title: 'Entretien « long »', artist: 'Antenne', album: 'Tests' },
        parallelism: 2,
        analysis: analysisOptions(null, 2),
      },
      { ffmpegPath: 'ffmpeg', timeoutMs: 100_000 },
    );
    const analysis = result.analysis!;
    assert.ok(analysis, 'the analysis ran');
    const gap = analysis.silences.find((s) => s.end - s.start >= 19);
    assert.ok(gap, JSON.stringify(analysis.silences));
    assert.ok(
      Math.abs(gap.end - (half + 20)) < 1.5,
      `the gap ends at ${gap.end}, not ${half + 20}`,
    );
    assert.equal(analysis.folded?.kept, 'left');
    assert.ok(analysis.channelRmsDb![0]! - analysis.channelRmsDb![1]! > 20);
  });
});
