/**
 * Rate-limit counters in Redis, shared by every API process: failed sign-ins
 * counted by one process count on all of them. When Redis does not answer, the
 * limited route answers 503 (fail closed: no unlimited password guessing).
 */
import { createHmac } from 'node:crypto';
import type { Request } from 'express';
import { ipKeyGenerator, type Store } from 'express-rate-limit';
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

/**
 * What the limiters key a client by: a keyed hash of its address (IPv6 by /56, as
 * express-rate-limit groups them), so Redis never holds an address (docs/privacy.md).
 * `secret` is shared by every API process, so they all count the same client alike.
 */
export function hashedClientKey(secret: Buffer): (req: Request) => string {
  return (req) =>
    createHmac('sha256', secret)
      .update(ipKeyGenerator(req.ip ?? req.socket.remoteAddress ?? ''))
      .digest('base64url')
      .slice(0, 22);
}
