import type { Config } from '../core/config.js';
import { checkFfmpeg } from '../media/capabilities.js';
import { checkRedis } from '../queue/connection.js';
import { storageProblems } from '../storage/check.js';

/**
 * What must be there before we start: one plain sentence per missing piece,
 * saying how to get it. `withMedia` is false for an API-only process.
 */
export async function startupProblems(
  config: Config,
  options: { withMedia: boolean },
): Promise<string[]> {
  const [redis, storage, media] = await Promise.all([
    checkRedis(config.redisUrl),
    storageProblems(config.storage),
    options.withMedia ? checkFfmpeg(config) : Promise.resolve([]),
  ]);
  return [...redis, ...storage, ...media];
}
