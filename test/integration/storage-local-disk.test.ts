import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { text } from 'node:stream/consumers';
import { LocalDiskStorage } from '../../src/storage/local-disk.js';
import { sweepOrphans, withTempDir } from '../../src/storage/temp.js';
import { tempDir } from '../helpers/audio.js';

describe('local disk storage', () => {
  let root: string;
  let storage: LocalDiskStorage;
  beforeEach(async () => {
    root = await tempDir('antenne-storage-');
    storage = new LocalDiskStorage(path.join(root, 'media'));
  });
  afterEach(() => fs.rm(root, { recursive: true, force: true }));

  it('moves a file in, stats it, reads whole and ranges, deletes it', async () => {
    const src = path.join(root, 'in.txt');
    await fs.writeFile(src, 'Entretien « numérique »');
    const info = await storage.putFile('public/episodes/e1/a.txt', src);
    assert.equal(info.bytes, Buffer.byteLength('Entretien « numérique »'));
    await assert.rejects(fs.stat(src), 'the source was moved, not copied');
    assert.equal((await storage.stat('public/episodes/e1/a.txt'))?.bytes, info.bytes);
    assert.equal(
      await text(await storage.openRead('public/episodes/e1/a.txt')),
      'Entretien « numérique »',
    );
    assert.equal(
      await text(await storage.openRead('public/episodes/e1/a.txt', { start: 0, end: 8 })),
      'Entretien',
    );
    await storage.delete('public/episodes/e1/a.txt');
    assert.equal(await storage.stat('public/episodes/e1/a.txt'), null);
  });

  it('replaces an existing object atomically', async () => {
    for (const content of ['one', 'two']) {
      const src = path.join(root, `${content}.txt`);
      await fs.writeFile(src, content);
      await storage.putFile('public/x.txt', src);
    }
    assert.equal(await text(await storage.openRead('public/x.txt')), 'two');
  });

  it('refuses keys that leave the root', async () => {
    await assert.rejects(storage.openRead('../outside'), /Invalid storage key/);
    assert.throws(() => storage.pathOf('public/../../etc/passwd'), /Invalid storage key/);
  });

  it('removes temp dirs whatever happens, and sweeps what a dead process left', async () => {
    const parent = path.join(root, 'tmp');
    let seen = '';
    await assert.rejects(
      withTempDir(parent, 'job', async (dir) => {
        seen = dir;
        await fs.writeFile(path.join(dir, 'half.mp3'), 'x');
        throw new Error('boom');
      }),
    );
    await assert.rejects(fs.stat(seen));
    await fs.mkdir(path.join(parent, 'job-999999-dead'), { recursive: true });
    await fs.mkdir(path.join(parent, `job-${process.pid}-mine`), { recursive: true });
    assert.equal(await sweepOrphans(parent), 1);
    assert.deepEqual(await fs.readdir(parent), [`job-${process.pid}-mine`]);
  });
});
