import assert from 'node:assert/strict';
import { parseEncoders, parseMajorVersion } from '../../src/media/capabilities.js';
import { clampPercent, parseProgressTime } from '../../src/media/ffmpeg.js';
import { parseProbeJson, probeArgs } from '../../src/media/ffprobe.js';
import { INPUT_GUARD_OPTIONS } from '../../src/media/input-guard.js';

describe('ffmpeg argument builders', () => {
  it('guards every probe: only local files, only audio containers, no protocol in the name', () => {
    const args = probeArgs('/data/originals/x/original.wav');
    assert.deepEqual(args.slice(2, 2 + INPUT_GUARD_OPTIONS.length), [...INPUT_GUARD_OPTIONS]);
    assert.equal(args.at(-1), 'file:/data/originals/x/original.wav');
    const formats =
      INPUT_GUARD_OPTIONS[INPUT_GUARD_OPTIONS.indexOf('-format_whitelist') + 1]!.split(',');
    for (const unsafe of ['hls', 'concat', 'image2', 'dash', 'tee'])
      assert.ok(!formats.includes(unsafe), unsafe);
  });
});

describe('ffmpeg output parsers', () => {
  it('reads progress time and clamps percentages', () => {
    assert.equal(
      parseProgressTime('size=  512kB time=00:01:02.50 bitrate= 128.0kbits/s speed=50x'),
      62.5,
    );
    assert.equal(parseProgressTime('size=N/A time=-577014:32:22.77 bitrate=N/A'), null);
    assert.equal(parseProgressTime('Stream mapping:'), null);
    assert.equal(clampPercent(140), 100);
    assert.equal(clampPercent(-3), 0);
    assert.equal(clampPercent(Number.NaN), 0);
  });

  it('reads the ffmpeg major version and encoder list', () => {
    assert.equal(parseMajorVersion('ffmpeg version 5.1.6-0+deb12u1 Copyright (c) 2000-2024'), 5);
    assert.equal(parseMajorVersion('ffmpeg version n7.1 Copyright'), 7);
    assert.equal(
      parseMajorVersion('ffmpeg version N-112233-gabcdef Copyright'),
      Number.POSITIVE_INFINITY,
    );
    const encoders = parseEncoders(
      ' A....D libmp3lame           libmp3lame MP3\n A..... aac                  AAC\n V....D libx264 H.264\n',
    );
    assert.ok(encoders.has('libmp3lame') && encoders.has('aac') && encoders.has('libx264'));
  });

  it('normalises ffprobe output: N/A durations, cover art, no audio', () => {
    const withCover = parseProbeJson(
      JSON.stringify({
        streams: [
          { codec_type: 'video', codec_name: 'mjpeg', disposition: { attached_pic: 1 } },
          {
            codec_type: 'audio',
            codec_name: 'mp3',
            sample_rate: '44100',
            channels: 2,
            bit_rate: '128000',
          },
        ],
        format: { format_name: 'mp3', duration: 'N/A', bit_rate: '128000', tags: { title: 'É' } },
      }),
    );
    assert.equal(withCover.durationSeconds, null);
    assert.deepEqual(withCover.audio, {
      codec: 'mp3',
      sampleRate: 44100,
      channels: 2,
      bitRate: 128000,
      durationSeconds: null,
    });
    assert.equal(withCover.hasVideo, false, 'a cover picture is not a video');
    assert.equal(withCover.tags.title, 'É');

    const streamDuration = parseProbeJson(
      JSON.stringify({
        streams: [
          {
            codec_type: 'audio',
            codec_name: 'opus',
            sample_rate: '48000',
            channels: 1,
            duration: '12.5',
          },
        ],
        format: { format_name: 'ogg' },
      }),
    );
    assert.equal(streamDuration.durationSeconds, 12.5);
    assert.equal(streamDuration.audio?.durationSeconds, 12.5);

    const videoOnly = parseProbeJson(
      JSON.stringify({
        streams: [{ codec_type: 'video', codec_name: 'h264' }],
        format: { format_name: 'mov,mp4,m4a,3gp,3g2,mj2', duration: '3.0' },
      }),
    );
    assert.equal(videoOnly.audio, null);
    assert.equal(videoOnly.hasVideo, true);
  });
});
