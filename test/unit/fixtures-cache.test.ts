/** Fixtures made once per run, safely when parallel workers ask for the same one at once. */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { FIXTURES_DIR_VARIABLE, fixture, makeFixtureFile } from '../fixtures/cache.js';
import { tempDir } from '../helpers/audio.js';

describe('generated fixtures cache', () => {
  const saved = process.env[FIXTURES_DIR_VARIABLE];
  let dir: string;
  beforeEach(async () => {
    dir = await tempDir('antenne-fixtures-test-');
    process.env[FIXTURES_DIR_VARIABLE] = dir;
  });
  afterEach(async () => {
    if (saved === undefined) delete process.env[FIXTURES_DIR_VARIABLE];
    else process.env[FIXTURES_DIR_VARIABLE] = saved;
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('makes a named fixture once, however many tests ask at the same time', async () => {
    let made = 0;
    const make = async (out: string) => {
      made += 1;
      await sleep(20);
      await fs.writeFile(out, 'bytes');
    };
    const name = `once-${process.pid}-${Date.now()}.txt`;
    const files = await Promise.all([fixture(name, make), fixture(name, make)]);
    assert.equal(await fixture(name, make), files[0]);
    assert.equal(files[0], files[1]);
    assert.equal(made, 1);
    assert.equal(await fs.readFile(files[0], 'utf8'), 'bytes');
  });

  it('shows no half-written file when two workers (no shared memory) make the same one, and leaves no partial', async () => {
    const writeSlowly = (text: string) => async (out: string) => {
      await fs.writeFile(out, text.slice(0, 3));
      await sleep(30);
      await fs.appendFile(out, text.slice(3));
    };
    const [a, b] = await Promise.all([
      makeFixtureFile(dir, 'same.wav', writeSlowly('first worker')),
      makeFixtureFile(dir, 'same.wav', writeSlowly('other worker')),
    ]);
    assert.equal(a, b);
    assert.match(await fs.readFile(a, 'utf8'), /^(first|other) worker$/);
    assert.deepEqual(await fs.readdir(dir), ['same.wav']);
  });

  it('uses a fixture another worker already made, and keeps fixtures read-only', async () => {
    const made = await makeFixtureFile(dir, 'tone.wav', (out) => fs.writeFile(out, 'tone'));
    assert.equal((await fs.stat(made)).mode & 0o222, 0, 'no write permission');
    const again = await makeFixtureFile(dir, 'tone.wav', () => {
      throw new Error('made twice');
    });
    assert.equal(again, made);
  });

  it('removes what a failed generation left, and tries again on the next ask', async () => {
    const name = `flaky-${process.pid}-${Date.now()}.wav`;
    await assert.rejects(
      fixture(name, async (out) => {
        await fs.writeFile(out, 'half');
        throw new Error('espeak-ng failed');
      }),
      /espeak-ng failed/,
    );
    assert.deepEqual(await fs.readdir(dir), []);
    const file = await fixture(name, (out) => fs.writeFile(out, 'whole'));
    assert.equal(await fs.readFile(file, 'utf8'), 'whole');
  });
});
