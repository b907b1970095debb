/** The artwork check on real images, drawn by ffmpeg. */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import { checkArtwork } from '../../src/core/artwork.js';
import { tempDir } from '../helpers/audio.js';
import { image } from '../fixtures/images.js';

describe('artwork', function () {
  let dir: string;
  before(async () => {
    dir = await tempDir();
  });
  after(() => fs.rm(dir, { recursive: true, force: true }));

  it('accepts square JPEG and PNG between 1400 and 3000 px', async () => {
    for (const [size, ext] of [
      [1400, 'png'],
      [3000, 'jpg'],
    ] as const) {
      const check = checkArtwork(await fs.readFile(await image(size, size, ext)));
      assert.deepEqual(check.ok && [check.width, check.type], [size, ext]);
    }
  });

  it('refuses other sizes, shapes and formats, saying why', async () => {
    const cases: [number, number, 'png' | 'jpg' | 'gif', RegExp][] = [
      [1400, 1000, 'png', /must be square/],
      [1000, 1000, 'jpg', /between 1400 and 3000/],
      [3200, 3200, 'png', /between 1400 and 3000/],
      [1400, 1400, 'gif', /JPEG or PNG only/],
    ];
    for (const [w, h, ext, message] of cases) {
      const check = checkArtwork(await fs.readFile(await image(w, h, ext)));
      assert.match(!check.ok ? check.problem : 'ok', message);
    }
    const junk = checkArtwork(Buffer.from('not an image'));
    assert.match(!junk.ok ? junk.problem : 'ok', /not an image/);
  });
});
