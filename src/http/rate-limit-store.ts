/**
 * Rate-limit counters in Redis, shared by every API process: failed sign-ins
 * counted by one process count on all of them. When Redis does not answer, the
 * limited route answers 503 (fail closed: no unlimited password guessing).
 */
import type { Store } from 'express-rate-limit';
import type { Redis } from 'ioredis';
import { RedisStore, type RedisReply } from 'rate-limit-redis';
import { AppError } from '../core/errors.js';

const unavailable = (cause: unknown) =>
  Object.assign(
    new AppError(
      503,
      'unavailable',
      'Temporarily unavailable',
      'The attempt counter (Redis) does not answer; try again in a moment.',
    ),
    { cause },
  );

class FailClosedRedisStore extends RedisStore {
  override async increment(key: string) {
    try {
      return await super.increment(key);
    } catch (error) {
      throw unavailable(error);
    }
  }
}

/**
 * One store per limiter (express-rate-limit refuses a store shared by two), keys
 * under `<prefix>:rate-limit:<name>:`. `redis` must be connected: the stores load
 * their scripts at once.
 */
export function redisRateLimitStores(redis: Redis, prefix: string): (name: string) => Store {
  return (name) =>
    new FailClosedRedisStore({
      prefix: `${prefix}:rate-limit:${name}:`,
      sendCommand: (command: string, ...args: string[]) =>
        redis.call(command, ...args) as Promise<RedisReply>,
    });
}
