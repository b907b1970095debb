/**
 * Mocha root hooks and global setup: the suite runs on real services, so it
 * first checks they are there and says how to get them when they are not. It also
 * bundles the client assets once per run (the server only reads built files), makes
 * the folder the run's generated fixtures go to (test/fixtures/cache.ts), and gives
 * each test file the timeout of its layer (test/helpers/layer-timeouts.ts).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildClientAssets } from '../scripts/build-assets.js';
import { ASSETS_DIR_VARIABLE } from '../src/http/client-assets.js';
import { checkFfmpeg } from '../src/media/capabilities.js';
import { checkRedis } from '../src/queue/connection.js';
import { FIXTURES_DIR_VARIABLE } from './fixtures/cache.js';
import { TEST_DATABASE_ADMIN_URL, TEST_REDIS_URL, canReachPostgres } from './helpers/env.js';
import { applyLayerTimeouts } from './helpers/layer-timeouts.js';

let assetsDir: string | null = null;
let fixturesDir: string | null = null;

export const mochaHooks = {
  // Runs once the files are loaded (once per file in a parallel run), before any of their hooks.
  beforeAll(this: Mocha.Context): void {
    let root = this.test?.parent;
    while (root?.parent) root = root.parent;
    if (root) applyLayerTimeouts(root);
  },
};

export async function mochaGlobalSetup(): Promise<void> {
  // Set before the parallel runner starts its workers, which inherit the environment.
  assetsDir = await mkdtemp(path.join(os.tmpdir(), 'antenne-assets-'));
  await buildClientAssets(assetsDir);
  process.env[ASSETS_DIR_VARIABLE] = assetsDir;
  fixturesDir = await mkdtemp(path.join(os.tmpdir(), 'antenne-fixtures-'));
  process.env[FIXTURES_DIR_VARIABLE] = fixturesDir;
  const problems = [
    ...(await checkRedis(TEST_REDIS_URL)),
    ...(await checkFfmpeg({
      ffmpegPath: process.env.FFMPEG_PATH ?? 'ffmpeg',
      ffprobePath: process.env.FFPROBE_PATH ?? 'ffprobe',
    })),
  ];
  if (!(await canReachPostgres())) {
    problems.push(
      `PostgreSQL does not answer at ${TEST_DATABASE_ADMIN_URL}: start it or set TEST_DATABASE_ADMIN_URL (a role that may CREATE DATABASE).`,
    );
  }
  if (problems.length) {
    throw new Error(
      `The test suite needs real services:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
  }
}

export async function mochaGlobalTeardown(): Promise<void> {
  if (assetsDir) await rm(assetsDir, { recursive: true, force: true });
  if (fixturesDir) await rm(fixturesDir, { recursive: true, force: true });
}
