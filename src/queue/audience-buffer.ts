/**
 * The audience events' stay in Redis, between the request that makes them and
 * the aggregation job that adds them up in the database (docs/privacy.md):
 * - the day's secret that listener hashes are keyed with, dropped after the day;
 * - per listener and day, what a listener asked of a rendition so far (byte
 *   ranges) and whether the download or the milestone was already counted;
 * - a stream of counted events (no listener in them) that the job reads in order.
 * The downloads asked in one turn of the event loop are one script run: decided
 * atomically, so that two API processes never count the same listener twice.
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
 * Downloads wait up to this long for others, then go to Redis as one script run.
 * A run costs Node and Redis far more than one download's own work inside it
 * (measured: ~300 µs of CPU a run, ~35 µs a download in a run of 128), so under
 * load a window of a few requests costs a fraction of a run per request; a count
 * reaches Redis 20 ms later, which no report can see.
 */
const BATCH_WINDOW_MS = 20;
/** A full batch goes at once (bounded memory and script size). */
const BATCH_MAX = 256;

/**
 * Downloads asked in one turn of the event loop, decided by one script run (one
 * round trip, one script call: a new listener per request costs Redis about a
 * third of what a call each did). Items run in order, so two requests of one
 * listener in a batch see each other's ranges.
 * KEYS: stream, then per item its counted flag and its ranges so far.
 * ARGV: stream max, stream ttl, max spans, then per item: threshold, ttl, event,
 * span count, then start, end pairs.
 * Per item, 0: counted before; 1: counted now; 2: not yet.
 */
const DOWNLOADS_SCRIPT = `
local outcomes = {}
local a = 4
for k = 2, #KEYS, 2 do
  local threshold, ttl, event, n = tonumber(ARGV[a]), ARGV[a + 1], ARGV[a + 2], tonumber(ARGV[a + 3])
  local first = a + 4
  a = first + 2 * n
  if redis.call('EXISTS', KEYS[k]) == 1 then
    outcomes[#outcomes + 1] = 0
  else
    local spans = {}
    local raw = redis.call('GET', KEYS[k + 1])
    if raw then
      for s, e in string.gmatch(raw, '(%d+)-(%d+)') do spans[#spans + 1] = { tonumber(s), tonumber(e) } end
    end
    for i = first, a - 1, 2 do spans[#spans + 1] = { tonumber(ARGV[i]), tonumber(ARGV[i + 1]) } end
    table.sort(spans, function(x, y) return x[1] < y[1] end)
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
    for _, s in ipairs(merged) do covered = covered + s[2] - s[1] + 1 end
    if covered >= threshold then
      redis.call('SET', KEYS[k], '1', 'EX', ttl)
      if raw then redis.call('DEL', KEYS[k + 1]) end
      redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'e', event)
      outcomes[#outcomes + 1] = 1
    else
      local parts = {}
      for i, s in ipairs(merged) do
        if i <= tonumber(ARGV[3]) then parts[#parts + 1] = string.format('%.0f-%.0f', s[1], s[2]) end
      end
      redis.call('SET', KEYS[k + 1], table.concat(parts, ','), 'EX', ttl)
      outcomes[#outcomes + 1] = 2
    end
  end
end
redis.call('EXPIRE', KEYS[1], ARGV[2])
return outcomes
`;

/** KEYS: counted flag, stream. ARGV: ttl, event, stream max, stream ttl. 1: counted now, 0: before. */
const ONCE_SCRIPT = `
if not redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then return 0 end
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[3], '*', 'e', ARGV[2])
redis.call('EXPIRE', KEYS[2], ARGV[4])
return 1
`;

type Scripted = Redis & {
  audienceDownloads(...args: (string | number)[]): Promise<number[]>;
  audienceOnce(...args: (string | number)[]): Promise<number>;
};

type DownloadOutcome = 'counted' | 'counted-before' | 'not-yet';
const OUTCOMES: readonly DownloadOutcome[] = ['counted-before', 'counted', 'not-yet'];

interface DownloadAsk {
  readonly listener: string;
  readonly renditionId: string;
  readonly spans: readonly { readonly start: number; readonly end: number }[];
  readonly threshold: number;
  readonly ttlSeconds: number;
  readonly event: AudienceEvent & { t: 'd' };
}

export class AudienceBuffer {
  private readonly redis: Scripted;
  private readonly batch: {
    readonly input: DownloadAsk;
    readonly resolve: (outcome: DownloadOutcome) => void;
    readonly reject: (error: unknown) => void;
  }[] = [];
  private readonly secrets = new Map<string, Buffer>();
  private timer: NodeJS.Timeout | undefined;

  /** @param prefix keys live under `<prefix>:audience:` (QUEUE_PREFIX). */
  constructor(
    redis: Redis,
    private readonly prefix: string,
  ) {
    if (!('audienceDownloads' in redis)) {
      // No fixed key count: a batch passes its own.
      redis.defineCommand('audienceDownloads', { lua: DOWNLOADS_SCRIPT });
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
  /** The day's secret if this process holds it already (no round trip, no promise). */
  knownDaySecret(day: string): Buffer | undefined {
    return this.secrets.get(day);
  }

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
   * `counted-before`, or `not-yet`. The requests of a short window go to Redis
   * together (BATCH_WINDOW_MS).
   */
  download(input: DownloadAsk): Promise<DownloadOutcome> {
    return new Promise((resolve, reject) => {
      this.batch.push({ input, resolve, reject });
      if (this.batch.length >= BATCH_MAX) void this.flush();
      // Not unref'd: a process that closes still sends what it holds.
      else if (this.batch.length === 1)
        this.timer = setTimeout(() => void this.flush(), BATCH_WINDOW_MS);
    });
  }

  private async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.batch.splice(0, this.batch.length);
    if (!batch.length) return;
    const keys: string[] = [this.stream];
    const args: (string | number)[] = [STREAM_MAX, STREAM_TTL_SECONDS, MAX_SPANS];
    for (const { input } of batch) {
      const { day, episodeId } = input.event;
      keys.push(
        this.key('counted', day, episodeId, input.listener),
        this.key('ranges', day, input.renditionId, input.listener),
      );
      args.push(input.threshold, input.ttlSeconds, JSON.stringify(input.event), input.spans.length);
      for (const span of input.spans) args.push(span.start, span.end);
    }
    try {
      const outcomes = await this.redis.audienceDownloads(keys.length, ...keys, ...args);
      batch.forEach(({ resolve }, i) => resolve(OUTCOMES[outcomes[i] ?? 2] ?? 'not-yet'));
    } catch (error) {
      for (const { reject } of batch) reject(error);
    }
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
