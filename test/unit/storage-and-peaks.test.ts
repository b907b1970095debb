import assert from 'node:assert/strict';
import { storageKeys } from '../../src/core/storage-keys.js';
import { isValidKey } from '../../src/storage/blob-storage.js';
import { ownerPid } from '../../src/storage/temp.js';
import { PeaksAccumulator } from '../../src/media/peaks.js';
import { safeExtension } from '../../src/services/episodes.js';

describe('storage keys', () => {
  it('accepts our keys and refuses traversal or odd characters', () => {
    assert.ok(isValidKey(storageKeys.rendition('abc123', 'mp3-128k', 'f'.repeat(64), 'mp3')));
    assert.ok(isValidKey(storageKeys.original('abc123', 'wav')));
    for (const bad of [
      '../etc/passwd',
      'public/../originals/x',
      '/abs',
      'public//x',
      'public/é.mp3',
      'a/./b',
      '',
    ]) {
      assert.equal(isValidKey(bad), false, bad);
    }
  });

  it('names a rendition by its content, so a new file gets a new URL', () => {
    assert.equal(
      storageKeys.rendition('e1', 'mp3-128k', 'abcdef0123456789', 'mp3'),
      'public/episodes/e1/mp3-128k-abcdef012345.mp3',
    );
  });

  it('derives a safe extension from an uploaded name', () => {
    assert.equal(safeExtension('Entretien « ministre ».WAV'), 'wav');
    assert.equal(safeExtension('no-extension'), 'bin');
    assert.equal(safeExtension('x.m%3u8'), 'bin');
  });

  it('reads the owner pid of a temp entry', () => {
    assert.equal(ownerPid('job-4242-Ab3dEf'), 4242);
    assert.equal(ownerPid('upload-77-0011aabb'), 77);
    assert.equal(ownerPid('something-else'), null);
  });
});

describe('waveform peaks', () => {
  const samples = (values: number[]) => {
    const buf = Buffer.alloc(values.length * 2);
    values.forEach((v, i) => buf.writeInt16LE(v, i * 2));
    return buf;
  };

  it('folds 16-bit samples into 8-bit min/max pairs per pixel', () => {
    const acc = new PeaksAccumulator(4);
    acc.push(samples([0, 32767, -32768, 256, 512, -512, 100, 0, 7]));
    const json = acc.finish(8000);
    assert.deepEqual(json.data, [-128, 127, -2, 2, 0, 0]);
    assert.equal(json.length, 3);
    assert.equal(json.samples_per_pixel, 4);
    assert.equal(json.version, 2);
  });

  it('carries a sample split across chunks', () => {
    const whole = samples([1000, -1000, 20000, -20000]);
    const acc = new PeaksAccumulator(2);
    acc.push(whole.subarray(0, 3));
    acc.push(whole.subarray(3));
    assert.deepEqual(acc.finish().data, [-4, 3, -79, 78]);
  });
});
