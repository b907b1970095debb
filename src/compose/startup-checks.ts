import type { Config } from '../core/config.js';
import { checkFfmpeg } from '../media/capabilities.js';
import { checkRedis } from '../queue/connection.js';

/**
 * What must be there before we start: one plain sentence per missing piece,
 * saying how to get it. `withMedia` is false for an API-only process.
 */
export async function startupProblems(
  config: Config,
  options: { withMedia: boolean },
): Promise<string[]> {
  const [redis, media] = await Promise.all([
    checkRedis(config.redisUrl),
    options.withMedia ? checkFfmpeg(config) : Promise.resolve([]),
  ]);
  return [...redis, ...media];
}
