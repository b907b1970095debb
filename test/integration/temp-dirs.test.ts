import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { sweepOrphans, withTempDir } from '../../src/storage/temp.js';
import { tempDir } from '../helpers/audio.js';

/** Scratch directories of uploads and jobs (what the storage contract suite does not cover). */
describe('temp dirs', () => {
  let root: string;
  beforeEach(async () => {
    root = await tempDir('antenne-storage-');
  });
  afterEach(() => fs.rm(root, { recursive: true, force: true }));

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

  it('stops what a dead worker left running in its temp dir, and nothing else', async () => {
    const parent = path.join(root, 'jobs');
    const dead = path.join(parent, 'job-999998-dead');
    const mine = path.join(parent, `job-${process.pid}-mine`);
    await fs.mkdir(dead, { recursive: true });
    await fs.mkdir(mine, { recursive: true });
    // Stand-ins for orphaned ffmpeg runs: one working in the dead dir, one writing into it
    // from elsewhere, and one in a live process's dir that must be left alone.
    const sleeper = (cwd: string, ...args: string[]) => spawn('sleep', ['60', ...args], { cwd });
    const exitOf = (child: ChildProcess) =>
      new Promise<NodeJS.Signals | null>((resolve) =>
        child.on('exit', (_c, signal) => resolve(signal)),
      );
    const inDead = sleeper(dead);
    const writingDead = spawn(
      process.execPath,
      ['-e', 'setTimeout(() => {}, 60_000)', path.join(dead, 'out.mp3')],
      { cwd: root },
    );
    const inMine = sleeper(mine);
    const exits = [exitOf(inDead), exitOf(writingDead)];
    await new Promise((r) => setTimeout(r, 200));
    try {
      assert.equal(await sweepOrphans(parent), 1);
      assert.deepEqual(await Promise.all(exits), ['SIGKILL', 'SIGKILL']);
      assert.equal(inMine.exitCode, null, 'a live process’s run is left alone');
      assert.deepEqual(await fs.readdir(parent), [`job-${process.pid}-mine`]);
    } finally {
      inDead.kill('SIGKILL');
      writingDead.kill('SIGKILL');
      inMine.kill('SIGKILL');
    }
  });
});
