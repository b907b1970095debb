/**
 * The audience events' stay in Redis, between the request that makes them and
 * the aggregation job that adds them up in the database (docs/privacy.md):
 * - the day's secret that listener hashes are keyed with, dropped after the day;
 * - per listener and day, what a listener asked of a rendition so far (byte
 *   ranges) and whether the download or the milestone was already counted;
 * - a stream of counted events (no listener in them) that the job reads in order.
 * The downloads asked in one short window are one script run: decided
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

/** Stream entries kept at most (a job that never runs must not fill Redis); an entry holds a batch's downloads. */
const STREAM_MAX = 1_000_000;
/** The stream goes away after a week without any event. */
const STREAM_TTL_SECONDS = 7 * 86_400;
/** Byte ranges remembered per listener and rendition (beyond, the first ones are kept). */
const MAX_SPANS = 256;
/** Stream entries read per XRANGE by the aggregation. */
const READ_CHUNK = 1000;

/**
 * The downloads of one window, decided by one script run (one round trip, one
 * script call: a new listener per request costs Redis about a third of what a
 * call each did). Items run in order, so two requests of one listener in a batch
 * see each other's ranges. The batch travels as JSON arguments, as compact as it
 * can (bytes the client writes and Redis decodes cost both per request): each
 * rendition and each event once per batch, each item pointing at them; the
 * script builds the keys. The downloads it counts are one stream entry (an XADD
 * per download cost Redis more than the rest of the decision). A batch's keys
 * span hash slots anyway, so this script is for a single Redis (or a primary),
 * as the queue is.
 * KEYS: stream. ARGV: stream max, stream ttl, max spans, key prefix, day, ttl,
 * the renditions [[episode id, rendition id, threshold], …], the events
 * (JSON texts), the items [[listener, rendition index, event index, start, end,
 * start, end…], …] (indexes from 1, as Lua's).
 * Per item, 0: counted before; 1: counted now; 2: not yet.
 */
const DOWNLOADS_SCRIPT = `
local prefix, day, ttl = ARGV[4], ARGV[5], ARGV[6]
local renditions = cjson.decode(ARGV[7])
local texts = cjson.decode(ARGV[8])
local items = cjson.decode(ARGV[9])
local outcomes = {}
local events = {}
for i, item in ipairs(items) do
  local listener, rendition = item[1], renditions[item[2]]
  local text, threshold = texts[item[3]], rendition[3]
  local counted = prefix .. 'counted:' .. day .. ':' .. rendition[1] .. ':' .. listener
  if #item == 5 and item[5] - item[4] + 1 >= threshold then
    -- The common case, one request enough on its own: one command decides it (ranges
    -- asked before stay until their day ends, never read again once counted).
    if redis.call('SET', counted, '1', 'NX', 'EX', ttl) then
      events[#events + 1] = 'e'
      events[#events + 1] = text
      outcomes[i] = 1
    else
      outcomes[i] = 0
    end
  elseif redis.call('EXISTS', counted) == 1 then
    outcomes[i] = 0
  else
    local ranges = prefix .. 'ranges:' .. day .. ':' .. rendition[2] .. ':' .. listener
    local raw = redis.call('GET', ranges)
    local merged
    if not raw and #item == 5 then
      merged = { { item[4], item[5] } }
    else
      local spans = {}
      if raw then
        for s, e in string.gmatch(raw, '(%d+)-(%d+)') do spans[#spans + 1] = { tonumber(s), tonumber(e) } end
      end
      for j = 4, #item - 1, 2 do spans[#spans + 1] = { item[j], item[j + 1] } end
      table.sort(spans, function(x, y) return x[1] < y[1] end)
      merged = {}
      for _, s in ipairs(spans) do
        local last = merged[#merged]
        if last and s[1] <= last[2] + 1 then
          if s[2] > last[2] then last[2] = s[2] end
        else
          merged[#merged + 1] = { s[1], s[2] }
        end
      end
    end
    local covered = 0
    for _, s in ipairs(merged) do covered = covered + s[2] - s[1] + 1 end
    if covered >= threshold then
      redis.call('SET', counted, '1', 'EX', ttl)
      if raw then redis.call('DEL', ranges) end
      events[#events + 1] = 'e'
      events[#events + 1] = text
      outcomes[i] = 1
    else
      local parts = {}
      for j, s in ipairs(merged) do
        if j <= tonumber(ARGV[3]) then parts[#parts + 1] = string.format('%.0f-%.0f', s[1], s[2]) end
      end
      redis.call('SET', ranges, table.concat(parts, ','), 'EX', ttl)
      outcomes[i] = 2
    end
  end
end
if #events > 0 then
  redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', unpack(events))
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

export type DownloadOutcome = 'counted' | 'counted-before' | 'not-yet';
const OUTCOMES: readonly DownloadOutcome[] = ['counted-before', 'counted', 'not-yet'];

/** A download as counting asks it of the buffer: who, which rendition, which bytes. */
export interface DownloadAsk {
  /** The listener's pseudonym for the day. */
  readonly listener: string;
  readonly episodeId: string;
  readonly showId: string;
  readonly renditionId: string;
  /** Bytes that make a download of this rendition. */
  readonly threshold: number;
  readonly app: string;
  readonly platform: string;
  readonly spans: readonly { readonly start: number; readonly end: number }[];
}

/**
 * One day's downloads of a window, in the order asked, as the script takes them:
 * each rendition and each event once, the items pointing at them.
 */
export class DownloadBatch {
  private readonly renditionIndex = new Map<string, number>();
  private readonly renditions: (string | number)[][] = [];
  private readonly eventIndex = new Map<string, number>();
  private readonly events: string[] = [];
  private readonly items: (string | number)[][] = [];

  constructor(
    readonly day: string,
    /** How long the listener's state lives: to the end of the day, and a grace. */
    readonly ttlSeconds: number,
  ) {}

  get size(): number {
    return this.items.length;
  }

  add(ask: DownloadAsk): void {
    let rendition = this.renditionIndex.get(ask.renditionId);
    if (rendition === undefined) {
      rendition = this.renditions.push([ask.episodeId, ask.renditionId, ask.threshold]);
      this.renditionIndex.set(ask.renditionId, rendition);
    }
    const eventKey = `${ask.episodeId}\n${ask.app}\n${ask.platform}`;
    let event = this.eventIndex.get(eventKey);
    if (event === undefined) {
      const text: AudienceEvent = {
        t: 'd',
        day: this.day,
        episodeId: ask.episodeId,
        showId: ask.showId,
        app: ask.app,
        platform: ask.platform,
      };
      event = this.events.push(JSON.stringify(text));
      this.eventIndex.set(eventKey, event);
    }
    const item: (string | number)[] = [ask.listener, rendition, event];
    for (const span of ask.spans) item.push(span.start, span.end);
    this.items.push(item);
  }

  /** The script's arguments after the key prefix: day, ttl, renditions, events, items. */
  arguments(): (string | number)[] {
    return [
      this.day,
      this.ttlSeconds,
      JSON.stringify(this.renditions),
      JSON.stringify(this.events),
      JSON.stringify(this.items),
    ];
  }
}

export class AudienceBuffer {
  private readonly redis: Scripted;
  private readonly secrets = new Map<string, Buffer>();

  /** @param prefix keys live under `<prefix>:audience:` (QUEUE_PREFIX). */
  constructor(
    redis: Redis,
    private readonly prefix: string,
  ) {
    if (!('audienceDownloads' in redis)) {
      redis.defineCommand('audienceDownloads', { numberOfKeys: 1, lua: DOWNLOADS_SCRIPT });
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
   * Adds what each listener asked of a rendition, in order; counts the episode's
   * download once the listener's ranges reach the rendition's threshold: per
   * item, `counted` by this batch, `counted-before`, or `not-yet`. One round
   * trip for the whole batch (the recorder gathers a window's requests).
   */
  async decide(batch: DownloadBatch): Promise<DownloadOutcome[]> {
    if (!batch.size) return [];
    const outcomes = await this.redis.audienceDownloads(
      this.stream,
      STREAM_MAX,
      STREAM_TTL_SECONDS,
      MAX_SPANS,
      this.key(''),
      ...batch.arguments(),
    );
    return Array.from({ length: batch.size }, (_, i) => OUTCOMES[outcomes[i] ?? 2] ?? 'not-yet');
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

  /**
   * The events after the stream id `after` ('0-0': from the start), oldest first:
   * whole entries (a batch's downloads are one) until at least `count` events, or
   * all there are. Each event carries its entry's id.
   */
  async readAfter(after: string, count: number): Promise<BufferedEvent[]> {
    const events: BufferedEvent[] = [];
    let from = after;
    while (events.length < count) {
      const asked = Math.min(READ_CHUNK, count - events.length);
      const entries = await this.redis.xrange(this.stream, `(${from}`, '+', 'COUNT', asked);
      for (const [id, fields] of entries) {
        const parsed = parseEvents(fields);
        // An entry with nothing readable still moves the cursor past it.
        if (!parsed.length) events.push({ id, event: null });
        for (const event of parsed) events.push({ id, event });
      }
      if (entries.length < asked) break;
      from = entries.at(-1)![0];
    }
    return events;
  }

  /** Forgets the events up to `upTo` (kept: `upTo` itself, as the next read starts after it). */
  async trim(upTo: string): Promise<void> {
    await this.redis.xtrim(this.stream, 'MINID', upTo);
  }
}

/** The events of one entry (fields `e`, each a JSON event); unreadable ones are null. */
function parseEvents(fields: string[]): (AudienceEvent | null)[] {
  const events: (AudienceEvent | null)[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    if (fields[i] !== 'e') continue;
    try {
      events.push(JSON.parse(fields[i + 1]!) as AudienceEvent);
    } catch {
      events.push(null);
    }
  }
  return events;
}
