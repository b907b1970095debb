import assert from 'node:assert/strict';
import { BadMediaError } from '../../src/core/errors.js';
import type { ProbeResult } from '../../src/core/media-types.js';
import { assertUsableAudio, unreadableReason } from '../../src/media/validate-input.js';

const audio = { codec: 'pcm_s16le', sampleRate: 44100, channels: 1, bitRate: null };
const probe = (over: Partial<ProbeResult>): ProbeResult => ({
  formatName: 'wav',
  durationSeconds: 10,
  bitRate: null,
  audio,
  tags: {},
  ...over,
});

describe('input validation', () => {
  it('accepts audio within the maximum duration', () => {
    assert.doesNotThrow(() => assertUsableAudio(probe({}), 60));
  });

  it('explains what is wrong, in an editor’s words', () => {
    const reasons = [
      probe({ audio: null, formatName: 'mov,mp4,m4a,3gp,3g2,mj2' }),
      probe({ durationSeconds: 0 }),
      probe({ durationSeconds: null }),
      probe({ durationSeconds: 4 * 3600 }),
    ].map((p) => {
      try {
        assertUsableAudio(p, 3 * 3600);
        return 'accepted';
      } catch (error) {
        assert.ok(error instanceof BadMediaError);
        return error.reason;
      }
    });
    assert.match(reasons[0]!, /no audio track/);
    assert.match(reasons[1]!, /empty/);
    assert.match(reasons[2]!, /empty/);
    assert.match(reasons[3]!, /lasts 4 h 00 min, longer than the 3 h 00 min/);
  });

  it('turns ffprobe errors into plain sentences', () => {
    assert.match(
      unreadableReason('/x/original.mp3: Invalid data found when processing input'),
      /^The file is not audio that can be read \(Invalid data found/,
    );
    assert.match(unreadableReason("Format hls is not on whitelist 'wav,flac'"), /playlist/);
  });
});
