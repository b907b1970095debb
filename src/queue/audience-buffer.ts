/**
 * The audience events' stay in Redis, between the request that makes them and
 * the aggregation job that adds them up in the database (docs/privacy.md):
 * - the day's secret that listener hashes are keyed with, dropped after the day;
 * - per listener and day, what a listener asked of a rendition so far (byte
 *   ranges) and whether the download or the milestone was already counted;
 * - a stream of counted events (no listener in them) that the job reads in order.
 * Each counted request is one script run: decided atomically, so that two API
 * processes never count the same listener twice.
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';

/** What the aggregation job adds up: a download or a player milestone, no listener. */
export type AudienceEvent =
  | {
      readonly t: 'd';
      readonly day: string;
      readonly episodeId: string;
      readonly showId: string;
      readonly app: string;
      readonly platform: string;
    }
  | {
      readonly t: 'l';
      readonly day: string;
      readonly episodeId: string;
      readonly showId: string;
      readonly milestone: string;
    };

export interface BufferedEvent {
  /** The stream id: increasing, the aggregation's cursor. */
  readonly id: string;
  readonly event: AudienceEvent | null;
}

/** Counted events kept at most (a job that never runs must not fill Redis). */
const STREAM_MAX = 1_000_000;
/** The stream goes away after a week without any event. */
const STREAM_TTL_SECONDS = 7 * 86_400;
/** Byte ranges remembered per listener and rendition (beyond, the first ones are kept). */
const MAX_SPANS = 256;

/**
 * KEYS: counted flag, ranges so far, stream. ARGV: threshold, ttl, event, stream max,
 * stream ttl, max spans, then start, end pairs. 0: counted before; 1: counted now; 2: not yet.
 */
const DOWNLOAD_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local spans = {}
local raw = redis.call('GET', KEYS[2])
if raw then
  for s, e in string.gmatch(raw, '(%d+)-(%d+)') do spans[#spans + 1] = { tonumber(s), tonumber(e) } end
end
for i = 7, #ARGV, 2 do spans[#spans + 1] = { tonumber(ARGV[i]), tonumber(ARGV[i + 1]) } end
table.sort(spans, function(a, b) return a[1] < b[1] end)
local merged = {}
for _, s in ipairs(spans) do
  local last = merged[#merged]
  if last and s[1] <= last[2] + 1 then
    if s[2] > last[2] then last[2] = s[2] end
  else
    merged[#merged + 1] = { s[1], s[2] }
  end
end
local covered = 0
local parts = {}
for i, s in ipairs(merged) do
  covered = covered + s[2] - s[1] + 1
  if i <= tonumber(ARGV[6]) then parts[#parts + 1] = string.format('%.0f-%.0f', s[1], s[2]) end
end
if covered >= tonumber(ARGV[1]) then
  redis.call('SET', KEYS[1], '1', 'EX', ARGV[2])
  redis.call('DEL', KEYS[2])
  redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[4], '*', 'e', ARGV[3])
  redis.call('EXPIRE', KEYS[3], ARGV[5])
  return 1
end
redis.call('SET', KEYS[2], table.concat(parts, ','), 'EX', ARGV[2])
return 2
`;

/** KEYS: counted flag, stream. ARGV: ttl, event, stream max, stream ttl. 1: counted now, 0: before. */
const ONCE_SCRIPT = `
if not redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then return 0 end
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[3], '*', 'e', ARGV[2])
redis.call('EXPIRE', KEYS[2], ARGV[4])
return 1
`;

type Scripted = Redis & {
  audienceDownload(...args: (string | number)[]): Promise<number>;
  audienceOnce(...args: (string | number)[]): Promise<number>;
};

export class AudienceBuffer {
  private readonly redis: Scripted;
  private readonly secrets = new Map<string, Buffer>();

  /** @param prefix keys live under `<prefix>:audience:` (QUEUE_PREFIX). */
  constructor(
    redis: Redis,
    private readonly prefix: string,
  ) {
    if (!('audienceDownload' in redis)) {
      redis.defineCommand('audienceDownload', { numberOfKeys: 3, lua: DOWNLOAD_SCRIPT });
      redis.defineCommand('audienceOnce', { numberOfKeys: 2, lua: ONCE_SCRIPT });
    }
    this.redis = redis as Scripted;
  }

  private key(...parts: string[]): string {
    return [this.prefix, 'audience', ...parts].join(':');
  }

  private get stream(): string {
    return this.key('events');
  }

  /**
   * The day's secret, made by the first process that needs it and shared by all;
   * it expires after `ttlSeconds`, and with it any way to link that day's hashes to a listener.
   */
  async daySecret(day: string, ttlSeconds: number): Promise<Buffer> {
    const known = this.secrets.get(day);
    if (known) return known;
    const key = this.key('secret', day);
    const [, got] = (await this.redis
      .multi()
      .set(key, randomBytes(32).toString('base64url'), 'EX', ttlSeconds, 'NX')
      .get(key)
      .exec()) as [[Error | null, unknown], [Error | null, string | null]];
    if (got[0] || !got[1]) throw got[0] ?? new Error('no audience secret');
    const secret = Buffer.from(got[1], 'base64url');
    // Only today's (and, around midnight, yesterday's) secret stays in memory.
    if (this.secrets.size >= 2) this.secrets.clear();
    this.secrets.set(day, secret);
    return secret;
  }

  /**
   * Adds what a listener asked of a rendition; counts the episode's download once
   * the listener's ranges reach `threshold` bytes: `counted` by this request,
   * `counted-before`, or `not-yet`.
   */
  async download(input: {
    readonly listener: string;
    readonly renditionId: string;
    readonly spans: readonly { readonly start: number; readonly end: number }[];
    readonly threshold: number;
    readonly ttlSeconds: number;
    readonly event: AudienceEvent & { t: 'd' };
  }): Promise<'counted' | 'counted-before' | 'not-yet'> {
    const { day, episodeId } = input.event;
    const outcome = await this.redis.audienceDownload(
      this.key('counted', day, episodeId, input.listener),
      this.key('ranges', day, input.renditionId, input.listener),
      this.stream,
      input.threshold,
      input.ttlSeconds,
      JSON.stringify(input.event),
      STREAM_MAX,
      STREAM_TTL_SECONDS,
      MAX_SPANS,
      ...input.spans.flatMap((s) => [s.start, s.end]),
    );
    return outcome === 1 ? 'counted' : outcome === 0 ? 'counted-before' : 'not-yet';
  }

  /** Counts a player milestone once per listener and day. True when this beacon made it count. */
  async listen(input: {
    readonly listener: string;
    readonly ttlSeconds: number;
    readonly event: AudienceEvent & { t: 'l' };
  }): Promise<boolean> {
    const { day, episodeId, milestone } = input.event;
    const outcome = await this.redis.audienceOnce(
      this.key('heard', day, episodeId, milestone, input.listener),
      this.stream,
      input.ttlSeconds,
      JSON.stringify(input.event),
      STREAM_MAX,
      STREAM_TTL_SECONDS,
    );
    return outcome === 1;
  }

  /** Up to `count` events after the stream id `after` ('0-0': from the start), oldest first. */
  async readAfter(after: string, count: number): Promise<BufferedEvent[]> {
    const entries = await this.redis.xrange(this.stream, `(${after}`, '+', 'COUNT', count);
    return entries.map(([id, fields]) => ({ id, event: parseEvent(fields) }));
  }

  /** Forgets the events up to `upTo` (kept: `upTo` itself, as the next read starts after it). */
  async trim(upTo: string): Promise<void> {
    await this.redis.xtrim(this.stream, 'MINID', upTo);
  }
}

function parseEvent(fields: string[]): AudienceEvent | null {
  const index = fields.indexOf('e');
  if (index < 0 || index + 1 >= fields.length) return null;
  try {
    return JSON.parse(fields[index + 1]!) as AudienceEvent;
  } catch {
    return null;
  }
}
