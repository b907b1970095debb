import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { FfmpegError, runFfmpeg } from '../../src/media/ffmpeg.js';
import { probe } from '../../src/media/ffprobe.js';
import { MP3_128K_STEREO } from '../../src/core/media-types.js';
import { renditionOutputOptions, type RenditionTags } from '../../src/media/profiles.js';
import type { FfmpegInvocation } from '../../src/media/ffmpeg.js';
import type { RenditionProfile } from '../../src/core/media-types.js';

/** One input, one rendition: the smallest real job for the runner. */
const renditionInvocation = (
  input: string,
  output: string,
  profile: RenditionProfile,
  tags: RenditionTags,
): FfmpegInvocation => ({
  input,
  outputs: [{ path: output, options: renditionOutputOptions(profile, tags, { audio: '0:a:0' }) }],
});
import { tempDir } from '../helpers/audio.js';
import { childProcessesNamed } from '../helpers/processes.js';
import { tone } from '../fixtures/audio.js';

describe('ffmpeg runner (real ffmpeg)', function () {
  // Longer than the layer’s timeout: encodes a 15-minute tone to catch ffmpeg mid-run.
  this.timeout(60_000);
  let dir: string;
  let long: string;
  before(async () => {
    dir = await tempDir('antenne-ffmpeg-');
    long = await tone(900); // 15 min: several seconds to encode
  });
  after(() => fs.rm(dir, { recursive: true, force: true }));

  it('encodes, reporting progress from 0 to 100 in order', async () => {
    const short = await tone(20);
    const out = path.join(dir, 'short.mp3');
    const seen: number[] = [];
    await runFfmpeg(
      renditionInvocation(short, out, MP3_128K_STEREO, { title: 'Titre « accentué » à deux mots' }),
      {
        ffmpegPath: 'ffmpeg',
        timeoutMs: 30_000,
        inputDurationSeconds: 20,
        onProgress: (p) => seen.push(p),
      },
    );
    const result = await probe(out, { ffprobePath: 'ffprobe' });
    assert.equal(result.audio?.codec, 'mp3');
    assert.equal(
      result.tags.title,
      'Titre « accentué » à deux mots',
      'a value with spaces stays one argument',
    );
    assert.ok(seen.length > 0, 'progress reported');
    assert.deepEqual(
      [...seen].sort((a, b) => a - b),
      seen,
      'progress never goes back',
    );
    assert.ok(seen.every((p) => p >= 0 && p <= 100));
  });

  it('kills ffmpeg at its deadline and confirms it is gone', async () => {
    const started = Date.now();
    await assert.rejects(
      runFfmpeg(
        renditionInvocation(long, path.join(dir, 'timeout.mp3'), MP3_128K_STEREO, { title: 't' }),
        {
          ffmpegPath: 'ffmpeg',
          timeoutMs: 400,
        },
      ),
      (error: unknown) => error instanceof FfmpegError && error.reason === 'timeout',
    );
    assert.ok(Date.now() - started < 5_000, 'stopped near its deadline');
    assert.deepEqual(await childProcessesNamed('ffmpeg'), [], 'no ffmpeg left running');
  });

  it('stops ffmpeg when the job is aborted', async () => {
    const controller = new AbortController();
    const run = runFfmpeg(
      renditionInvocation(long, path.join(dir, 'abort.mp3'), MP3_128K_STEREO, { title: 't' }),
      {
        ffmpegPath: 'ffmpeg',
        timeoutMs: 60_000,
        signal: controller.signal,
      },
    );
    setTimeout(() => controller.abort('test'), 300);
    await assert.rejects(
      run,
      (error: unknown) => error instanceof FfmpegError && error.reason === 'aborted',
    );
    assert.deepEqual(await childProcessesNamed('ffmpeg'), []);
  });

  it('reports a failure with ffmpeg’s own last line', async () => {
    await assert.rejects(
      runFfmpeg(
        {
          input: path.join(dir, 'missing.wav'),
          outputs: [{ path: path.join(dir, 'x.mp3'), options: [] }],
        },
        { ffmpegPath: 'ffmpeg', timeoutMs: 10_000 },
      ),
      (error: unknown) =>
        error instanceof FfmpegError &&
        error.reason === 'failed' &&
        /No such file/.test(error.message),
    );
  });
});
