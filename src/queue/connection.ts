import { Redis, type RedisOptions } from 'ioredis';

/**
 * Producers fail fast when Redis is down (the HTTP request answers 503 instead
 * of hanging); workers wait for Redis forever, as BullMQ requires.
 */
export function producerConnection(
  redisUrl: string,
  extra: Pick<RedisOptions, 'enableAutoPipelining'> = {},
): Redis {
  const options: RedisOptions = {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 5_000,
    lazyConnect: true,
    ...extra,
  };
  return new Redis(redisUrl, options);
}

export function workerConnection(redisUrl: string): Redis {
  return new Redis(redisUrl, { maxRetriesPerRequest: null, lazyConnect: true });
}

const REDIS_HINT =
  'Start Redis (Debian: `apt-get install -y redis-server && redis-server --daemonize yes`; or `docker compose up -d redis`) or set REDIS_URL.';

/** One sentence per problem with Redis, for the start-up check. */
export async function checkRedis(redisUrl: string): Promise<string[]> {
  const redis = new Redis(redisUrl, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    connectTimeout: 3_000,
    retryStrategy: () => null,
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
    const problems: string[] = [];
    const policy = (await redis.config('GET', 'maxmemory-policy').catch(() => [])) as string[];
    if (policy[1] && policy[1] !== 'noeviction') {
      problems.push(
        `Redis at ${redactUrl(redisUrl)} has maxmemory-policy "${policy[1]}": BullMQ can lose jobs and locks; set it to "noeviction".`,
      );
    }
    return problems;
  } catch {
    return [`Redis does not answer at ${redactUrl(redisUrl)}. ${REDIS_HINT}`];
  } finally {
    redis.disconnect();
  }
}

export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}
