import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildClientAssets } from '../../scripts/build-assets.js';
import { ASSETS_DIR_VARIABLE, clientAssets } from '../../src/http/client-assets.js';

describe('client assets: bundled at build time, read by the server', () => {
  const saved = process.env[ASSETS_DIR_VARIABLE];
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'antenne-assets-test-'));
  });
  after(async () => {
    if (saved === undefined) delete process.env[ASSETS_DIR_VARIABLE];
    else process.env[ASSETS_DIR_VARIABLE] = saved;
    await rm(dir, { recursive: true, force: true });
  });

  it('writes content-hashed bundles and a manifest, then serves what the manifest names', async () => {
    const manifest = await buildClientAssets(dir);
    assert.match(manifest.player.js, /^player\.[0-9a-f]{10}\.js$/);
    assert.match(manifest.studio.css, /^studio\.[0-9a-f]{10}\.css$/);
    assert.deepEqual(
      (await readdir(dir)).sort(),
      [
        'manifest.json',
        manifest.player.css,
        manifest.player.js,
        manifest.studio.css,
        manifest.studio.js,
      ].sort(),
    );
    process.env[ASSETS_DIR_VARIABLE] = dir;
    const player = await clientAssets('player')();
    assert.equal(player.js.name, manifest.player.js);
    assert.equal(player.js.type, 'text/javascript; charset=utf-8');
    assert.match(player.js.body.toString('utf8'), /data-player|\[data-player\]/);
    assert.ok(player.css.body.length > 0);
  });

  it('says how to build them when they are missing, and reads again once they are there', async () => {
    const empty = await mkdtemp(path.join(os.tmpdir(), 'antenne-assets-none-'));
    process.env[ASSETS_DIR_VARIABLE] = empty;
    const studio = clientAssets('studio');
    await assert.rejects(studio(), /not built in .*npm run build/);
    await buildClientAssets(empty);
    assert.match((await studio()).js.name, /^studio\./);
    await rm(empty, { recursive: true, force: true });
  });
});
