import assert from 'node:assert/strict';
import { UnrecoverableError } from 'bullmq';
import { BadMediaError } from '../../src/core/errors.js';
import type { ProbeResult } from '../../src/core/media-types.js';
import { FfmpegError } from '../../src/media/ffmpeg.js';
import {
  assertDecodedAudio,
  assertProbedAudio,
  decodeFailure,
  formatClock,
  probeFailure,
  silentRecording,
} from '../../src/media/validate-input.js';
import { failureSummary } from '../../workers/media-job.js';
import { thrownBy } from '../helpers/thrown.js';

const audio = {
  codec: 'pcm_s16le',
  sampleRate: 44100,
  channels: 1,
  bitRate: null,
  durationSeconds: 10,
};
const probe = (over: Partial<ProbeResult> & { audioOver?: Partial<typeof audio> }) => {
  const { audioOver, ...rest } = over;
  return {
    formatName: 'wav',
    durationSeconds: 10,
    bitRate: null,
    audio: { ...audio, ...audioOver },
    hasVideo: false,
    tags: {},
    ...rest,
  } satisfies ProbeResult;
};

/** The refusal `fn` throws (it must throw one). */
const refusal = (fn: () => void): BadMediaError => thrownBy(fn, BadMediaError, 'accepted');

/** A reason shown to editors names no file, no directory, no tool output. */
function assertNoPath(reason: string): void {
  assert.doesNotMatch(reason, /\//, `a path fragment in: ${reason}`);
  assert.doesNotMatch(reason, /original\.|0x[0-9a-f]+|@/, `tool output in: ${reason}`);
}

describe('input validation', () => {
  it('writes durations as clocks, with hundredths under ten seconds', () => {
    const cases: [number, string][] = [
      [0, '0:00'],
      [0.05, '0:00.05'],
      [0.6, '0:00.6'],
      [0.604, '0:00.6'],
      [1.22, '0:01.22'],
      [5, '0:05'],
      [9.999, '0:10'],
      [60, '1:00'],
      [120.032653, '2:00'],
      [3723, '1:02:03'],
      [21_600, '6:00:00'],
      [Number.NaN, '0:00'],
    ];
    for (const [seconds, text] of cases) assert.equal(formatClock(seconds), text, String(seconds));
  });

  describe('what the header says', () => {
    it('accepts a plausible audio stream', () => {
      assert.doesNotThrow(() => assertProbedAudio(probe({})));
    });

    it('tells a video without sound from a file with no audio track', () => {
      const video = refusal(() => assertProbedAudio(probe({ audio: null, hasVideo: true })));
      assert.equal(video.category, 'not-audio');
      assert.match(video.reason, /^The file is a video without sound: it has no audio track\./);
      const none = refusal(() => assertProbedAudio(probe({ audio: null })));
      assert.match(none.reason, /^The file has no audio track\. Upload the interview/);
    });

    it('calls absurd header values a damaged header, with the figure as declared', () => {
      const channels = refusal(() => assertProbedAudio(probe({ audioOver: { channels: 65535 } })));
      assert.equal(channels.category, 'damaged-header');
      assert.match(
        channels.reason,
        /^The file's header is damaged or not supported \(it declares 65535 channels\)\./,
      );
      const none = refusal(() => assertProbedAudio(probe({ audioOver: { channels: 0 } })));
      assert.match(none.reason, /declares 0 channels/);
      const rate = refusal(() =>
        assertProbedAudio(probe({ audioOver: { sampleRate: 2_147_483_647 } })),
      );
      assert.match(rate.reason, /declares a sample rate of 2147483647 Hz/);
      const zero = refusal(() => assertProbedAudio(probe({ audioOver: { sampleRate: 0 } })));
      assert.equal(zero.category, 'damaged-header');
    });

    it('refuses an audio stream ffmpeg has no decoder for, without inventing a codec name', () => {
      const unknown = refusal(() => assertProbedAudio(probe({ audioOver: { codec: 'unknown' } })));
      assert.equal(unknown.category, 'unsupported-codec');
      assert.equal(
        unknown.reason,
        'The audio is encoded with a codec this service cannot decode. Export it as MP3, WAV, M4A, FLAC or OGG and upload it again.',
      );
    });
  });

  describe('what decodes', () => {
    const limits = { declaredSeconds: 10, maxSeconds: 60 };
    const clean = (seconds: number) => ({ seconds, decodeErrors: 0 });

    it('accepts audio that decodes cleanly within the limits', () => {
      assert.doesNotThrow(() => assertDecodedAudio(clean(10), limits));
      assert.doesNotThrow(() => assertDecodedAudio(clean(60), { ...limits, declaredSeconds: 60 }));
      // A little shorter than declared (encoder padding, a lost frame) is not "incomplete".
      assert.doesNotThrow(() => assertDecodedAudio(clean(9.2), limits));
      assert.doesNotThrow(() =>
        assertDecodedAudio(clean(91), { declaredSeconds: 100, maxSeconds: 200 }),
      );
      // A container that declares nothing (a browser's WebM recording).
      assert.doesNotThrow(() =>
        assertDecodedAudio(clean(12), { declaredSeconds: null, maxSeconds: 60 }),
      );
    });

    it('holds the limit whatever the header says, in m:ss', () => {
      const lying = refusal(() =>
        assertDecodedAudio(clean(61), { declaredSeconds: 30, maxSeconds: 60 }),
      );
      assert.equal(lying.category, 'too-long');
      assert.equal(
        lying.reason,
        'The recording lasts more than 1:00, the limit is 1:00. Upload a shorter edit.',
      );
      const hours = refusal(() =>
        assertDecodedAudio(clean(21_601), { declaredSeconds: null, maxSeconds: 21_600 }),
      );
      assert.match(hours.reason, /more than 6:00:00, the limit is 6:00:00/);
    });

    it('calls a file that decodes far shorter than it declares incomplete', () => {
      const cut = refusal(() =>
        assertDecodedAudio(clean(0.6), { declaredSeconds: 120.032653, maxSeconds: 60 }),
      );
      assert.equal(cut.category, 'incomplete');
      assert.equal(
        cut.reason,
        'The file is incomplete: it declares 2:00 but only 0:00.6 could be read — upload it again.',
      );
      const half = refusal(() =>
        assertDecodedAudio(
          { seconds: 6.16, decodeErrors: 1 },
          { declaredSeconds: 20, maxSeconds: 60 },
        ),
      );
      assert.equal(half.category, 'incomplete', 'the missing part is the news, not the errors');
    });

    it('lets a whole recording with a glitch or two through', () => {
      assert.doesNotThrow(() =>
        assertDecodedAudio(
          { seconds: 120, decodeErrors: 1 },
          { declaredSeconds: 120.03, maxSeconds: 600 },
        ),
      );
      assert.doesNotThrow(() =>
        assertDecodedAudio(
          { seconds: 42, decodeErrors: 3 },
          { declaredSeconds: null, maxSeconds: 600 },
        ),
      );
      const short = refusal(() =>
        assertDecodedAudio(
          { seconds: 115, decodeErrors: 1 },
          { declaredSeconds: 120, maxSeconds: 600 },
        ),
      );
      assert.equal(short.category, 'damaged', 'errors in a file that comes out short');
    });

    it('calls a file with decode errors damaged', () => {
      const damaged = refusal(() =>
        assertDecodedAudio(
          { seconds: 119.7, decodeErrors: 5 },
          {
            declaredSeconds: 120,
            maxSeconds: 600,
          },
        ),
      );
      assert.equal(damaged.category, 'damaged');
      assert.match(
        damaged.reason,
        /^The file is damaged: parts of the audio could not be decoded\./,
      );
    });

    it('says "too short", not "silent", for a blip, and "empty" for nothing', () => {
      const blip = refusal(() =>
        assertDecodedAudio(clean(0.05), { declaredSeconds: 0.05, maxSeconds: 60 }),
      );
      assert.equal(blip.category, 'too-short');
      assert.match(blip.reason, /^The recording is too short: 0:00\.05, at least 1 s is needed\./);
      const empty = refusal(() =>
        assertDecodedAudio(clean(0), { declaredSeconds: 0, maxSeconds: 60 }),
      );
      assert.equal(empty.category, 'empty');
    });

    it('prints a silent recording’s loudness only when it is a loudness', () => {
      assert.match(silentRecording(-62.44).reason, /almost silent \(-62\.4 LUFS\)\./);
      assert.match(silentRecording(-Infinity).reason, /almost silent\. Check/);
      assert.match(silentRecording(-294_967_296).reason, /almost silent\. Check/);
    });
  });

  describe('what ffprobe and ffmpeg say', () => {
    const WHITELIST = "'wav,w64,flac,aiff,mp3,mov,ogg,matroska'";
    const PATH = '/var/lib/antenne/media/originals/ep_01/original.wav';

    it('names the kind of file a refused format is, and keeps "playlist" for playlists', () => {
      const cases: [string, string, RegExp][] = [
        [
          `[png_pipe @ 0x559fda578240] Format not on whitelist ${WHITELIST}\nfile:${PATH}: Invalid argument`,
          'not-audio',
          /^The file is an image, not audio\./,
        ],
        [
          `[image2 @ 0x55] Format not on whitelist ${WHITELIST}\nfile:${PATH}: Invalid argument`,
          'not-audio',
          /^The file is an image, not audio\./,
        ],
        [
          `[hls @ 0x55726d1c1240] Format not on whitelist ${WHITELIST}\nfile:${PATH}: Invalid argument`,
          'playlist',
          /^The file is a playlist or a reference to other files, not audio\./,
        ],
        [`[concat @ 0x559d86e81240] Format not on whitelist ${WHITELIST}`, 'playlist', /playlist/],
        ["Format hls is not on whitelist 'wav,flac'", 'playlist', /playlist/],
        [`[file @ 0x1] Protocol 'http' not on whitelist 'file'!`, 'playlist', /playlist/],
        [
          `[webvtt @ 0x5632d77c3240] Format not on whitelist ${WHITELIST}`,
          'not-audio',
          /^The file is text or subtitles, not audio\./,
        ],
        [
          `[h264 @ 0x1] Format not on whitelist ${WHITELIST}`,
          'not-audio',
          /^The file is video without sound, not audio\./,
        ],
        [
          `[rm @ 0x1] Format not on whitelist ${WHITELIST}`,
          'unsupported-format',
          /^The file is not audio in a format this service accepts \(it reads as rm\)\./,
        ],
        [
          `file:${PATH}: Invalid data found when processing input`,
          'not-audio',
          /^The file is not audio that can be read/,
        ],
        [
          `[mp3 @ 0x5628bbd79280] Failed to read frame size: Could not seek to 66559.\nfile:${PATH}: Invalid argument`,
          'not-audio',
          /^The file is not audio that can be read/,
        ],
        [
          `[pcm_s16le @ 0x559833247480] Too many channels: 65535\n    Last message repeated 1 times`,
          'damaged-header',
          /^The file's header is damaged or not supported \(it declares 65535 channels\)\./,
        ],
      ];
      for (const [stderr, category, reason] of cases) {
        const refused = probeFailure(stderr);
        assert.ok(refused, stderr);
        assert.equal(refused.category, category, stderr);
        assert.match(refused.reason, reason, stderr);
        assertNoPath(refused.reason);
      }
      assert.equal(probeFailure(''), null, 'no output: ffprobe did not run, not the file’s fault');
    });

    it('maps a decoding pass that gave up to the content’s fault, or to none', () => {
      const codec = decodeFailure(
        'Stream mapping:\n  Stream #0:0 (none) -> asetpts\nDecoder (codec none) not found for input stream #0:0',
      );
      assert.ok(codec);
      assert.equal(codec.category, 'unsupported-codec');
      assert.doesNotMatch(codec.reason, /none/);
      assert.match(
        decodeFailure('Decoder (codec atrac9) not found for input stream #0:0')?.reason ?? '',
        /cannot decode \(atrac9\)/,
      );
      assert.equal(
        decodeFailure('[pcm_s16le @ 0x1] Too many channels: 65535\nCould not open codec')?.category,
        'damaged-header',
      );
      const damaged = decodeFailure(
        `[flac @ 0x1] invalid residual\nError while decoding stream #0:0: Invalid data found when processing input\n${PATH}: corrupt`,
      );
      assert.ok(damaged);
      assert.equal(damaged.category, 'damaged');
      assertNoPath(damaged.reason);
      assert.equal(decodeFailure(`${PATH}: No space left on device\nConversion failed!`), null);
    });
  });

  describe('failures that are not the file’s', () => {
    it('never hand an editor the raw error (it names server paths)', () => {
      const ffmpeg = new FfmpegError(
        `ffmpeg failed: /var/lib/antenne/tmp/jobs/job-1/mp3-128k.mp3: Permission denied`,
        '',
        'failed',
      );
      const fsError = Object.assign(
        new Error("ENOENT: no such file or directory, open '/var/lib/antenne/media/x'"),
        { code: 'ENOENT' },
      );
      for (const error of [ffmpeg, fsError, new Error('/srv/x'), 'a string']) {
        const summary = failureSummary(error);
        assert.match(summary, /^an error on the server \(the details are in the worker's log\)/);
        assertNoPath(summary);
      }
      assert.match(
        failureSummary(new FfmpegError('ffmpeg took longer than 5 s', '', 'timeout')),
        /took longer than the time allowed/,
      );
      assert.match(
        failureSummary(Object.assign(new Error('ENOSPC: /x'), { code: 'ENOSPC' })),
        /disk is full/,
      );
      assert.equal(
        failureSummary(new UnrecoverableError('Unknown rendition profile "mp3-999k"')),
        'Unknown rendition profile "mp3-999k"',
      );
    });
  });
});
