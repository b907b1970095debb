/**
 * Mocha root hooks and global setup: the suite runs on real services, so it
 * first checks they are there and says how to get them when they are not.
 */
import { checkFfmpeg } from '../src/media/capabilities.js';
import { checkRedis } from '../src/queue/connection.js';
import { TEST_DATABASE_ADMIN_URL, TEST_REDIS_URL, canReachPostgres } from './helpers/env.js';

export async function mochaGlobalSetup(): Promise<void> {
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
