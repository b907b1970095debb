import assert from 'node:assert/strict';
import { MP3_128K_STEREO } from '../../src/core/media-types.js';
import { clipFilter, clipInvocation } from '../../src/media/clip.js';

describe('clip ffmpeg arguments', () => {
  it('seeks on the input, takes the length, fades in and out on both outputs', () => {
    const inv = clipInvocation(
      '/in.mp3',
      { path: '/o.mp3', pcmPath: '/o.pcm' },
      { startSeconds: 12.5, endSeconds: 42.5, fadeSeconds: 0.05 },
      MP3_128K_STEREO,
      { title: 'Clip' },
    );
    assert.deepEqual(inv.inputOptions, ['-ss', '12.500', '-t', '30.000']);
    assert.equal(inv.outputs.length, 2);
    for (const o of inv.outputs)
      assert.deepEqual(o.options.slice(0, 2), [
        '-af',
        'afade=t=in:st=0:d=0.050,afade=t=out:st=29.950:d=0.050',
      ]);
    assert.ok(inv.outputs[0]!.options.includes('libmp3lame'));
    assert.ok(inv.outputs[1]!.options.includes('s16le'));
  });
  it('keeps fades short on a very short clip', () => {
    assert.equal(
      clipFilter({ startSeconds: 0, endSeconds: 0.1, fadeSeconds: 0.05 }),
      'afade=t=in:st=0:d=0.025,afade=t=out:st=0.075:d=0.025',
    );
  });
});
