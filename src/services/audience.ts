/**
 * Audience counting (issue 12, docs/privacy.md): the hot path that turns an
 * audio request or a player beacon into at most one buffered event, and the
 * batch job that adds the buffered events to the daily figures.
 */
import { createHmac } from 'node:crypto';
import { classifyAgent } from '../core/audience-apps.js';
import type { Logger } from '../core/logger.js';
import {
  downloadThreshold,
  requestedSpans,
  utcDay,
  type ByteSpan,
} from '../core/audience-rules.js';
import type {
  AudienceRepository,
  DownloadIncrement,
  ListeningTarget,
  ListenIncrement,
} from '../db/repositories/audience.repo.js';
import {
  DownloadBatch,
  type AudienceBuffer,
  type AudienceEvent,
} from '../queue/audience-buffer.js';

export const MILESTONES = ['started', 'heard-30s', 'completed'] as const;
export type Milestone = (typeof MILESTONES)[number];

/** After the end of its day, a day's secret and listener state live this much longer (clock skew). */
const GRACE_SECONDS = 3600;
/**
 * Downloads wait up to this long for others, then are decided together: one
 * pass over the window's requests and one Redis script run. Per request, the
 * hot path only notes the request (no promise, no timer): a run costs Node and
 * Redis far more than one download's own work inside it, and a count reaches
 * Redis 20 ms later, which no report can see.
 */
const BATCH_WINDOW_MS = 20;
/** A full window goes at once (bounded memory and script size). */
const BATCH_MAX = 256;
/**
 * Windows on their way to Redis at most; beyond, a window's requests are not
 * counted (and the loss is reported): a Redis that stalls must not make the
 * API hold every request it answers in memory.
 */
const MAX_IN_FLIGHT = 64;
const DAY_MS = 86_400_000;

/** Seconds from `at` to the end of its UTC day, plus the grace. */
export function secondsLeftInDay(at: Date): number {
  const end = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate() + 1);
  return Math.ceil((end - at.getTime()) / 1000) + GRACE_SECONDS;
}

/** A small per-process cache of lookups, so Range requests cost no query. */
class Cache<T> {
  private readonly entries = new Map<string, { value: T; until: number }>();
  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number,
    private readonly maxEntries = 10_000,
  ) {}
  /** The value if it is held and fresh (no promise: the hot path's common case). */
  peek(key: string): T | undefined {
    const hit = this.entries.get(key);
    return hit && hit.until > this.now() ? hit.value : undefined;
  }

  /** Whether a fresh value is held, a remembered "none" included. */
  holds(key: string): boolean {
    const hit = this.entries.get(key);
    return hit !== undefined && hit.until > this.now();
  }

  /** `keep`: whether to remember the value (a "no" may be asked again at once). */
  async get(key: string, load: () => Promise<T>, keep = (_: T) => true): Promise<T> {
    const hit = this.entries.get(key);
    if (hit && hit.until > this.now()) return hit.value;
    const value = await load();
    if (!keep(value)) return value;
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(key, { value, until: this.now() + this.ttlMs });
    return value;
  }
}

/** Who asked: never stored, only hashed with the day's secret. */
export interface Requester {
  readonly ip: string;
  readonly userAgent: string | undefined;
}

/** A GET of a published file, as the hot path notes it for counting. */
export interface DownloadRequest extends Requester {
  readonly storageKey: string;
  readonly range: string | undefined;
  /** The request came from the Antenne player (its audio URL's mark). */
  readonly fromPlayer: boolean;
  /** When it was asked (ms since the epoch): its day, even if decided after midnight. */
  readonly at: number;
}

/** A window of downloads that could not be counted, and why. */
export type CountingFailure = (error: unknown, requests: number) => void;

export class AudienceRecorder {
  private readonly targets: Cache<ListeningTarget | null>;
  private readonly published: Cache<string | null>;
  private readonly now: () => number;
  /** Background work running: beacons, and windows of downloads on their way. */
  private running = 0;
  private inFlight = 0;
  private idle: (() => void)[] = [];
  /** Downloads noted since the last window left, and its timer. */
  private pending: DownloadRequest[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** Listeners this process saw counted today, per episode: their next requests skip Redis. */
  private readonly counted = new Map<string, true>();
  private countedDay = '';
  /** The UTC day last seen and its bounds: most requests fall in it (no Date per request). */
  private day = { name: '', start: 0, end: 0 };
  /**
   * While true, audio requests are not noted (beacons still are): bench:audience
   * measures one process with counting on and off, where two processes differ
   * by more than what it measures.
   */
  paused = false;

  constructor(
    private readonly deps: {
      readonly buffer: AudienceBuffer;
      readonly repo: AudienceRepository;
      /** The generic bot detector (the `isbot` package). */
      readonly isBot: (userAgent: string) => boolean;
      readonly now?: () => number;
      /** A window of downloads that could not be counted (Redis or the database failing). */
      readonly onFailure?: CountingFailure;
    },
  ) {
    this.now = deps.now ?? Date.now;
    // A rendition's size never changes (content-addressed keys): kept a minute.
    this.targets = new Cache(60_000, this.now);
    // Publication state: a couple of seconds, like the media check (src/http/published-media.ts).
    this.published = new Cache(2_000, this.now);
  }

  /** The clock the requests are dated with (tests move it). */
  clock(): number {
    return this.now();
  }

  /**
   * Runs a recording in the background (the answer does not wait for it); errors
   * go to `onError`. `settled()` waits for every one still running.
   */
  inBackground(work: Promise<unknown>, onError: (error: unknown) => void): void {
    // A count, not a set of promises.
    this.running += 1;
    work.then(
      () => this.done(),
      (error: unknown) => {
        this.done();
        onError(error);
      },
    );
  }

  private done(): void {
    this.running -= 1;
    this.wakeIfIdle();
  }

  private wakeIfIdle(): void {
    if (this.running === 0 && !this.pending.length) for (const wake of this.idle.splice(0)) wake();
  }

  /** Resolves once what was noted and started so far is counted (tests, shutdown). */
  async settled(): Promise<void> {
    this.send();
    if (this.running === 0) return;
    await new Promise<void>((resolve) => this.idle.push(resolve));
  }

  /**
   * Notes a GET of a published file (HEAD is no download: the caller does not
   * call this), decided with the others of its window (BATCH_WINDOW_MS): the
   * episode's download counts for this listener once their requests reach a
   * minute of audio.
   */
  download(request: DownloadRequest): void {
    const length = this.pending.push(request);
    if (length >= BATCH_MAX) this.send();
    // Not unref'd: a process that closes still sends what it holds.
    else if (length === 1) this.timer = setTimeout(() => this.send(), BATCH_WINDOW_MS);
  }

  /** The window's downloads leave: decided in the background, failures reported. */
  private send(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const window = this.pending;
    if (!window.length) return;
    this.pending = [];
    if (this.inFlight >= MAX_IN_FLIGHT) {
      this.deps.onFailure?.(new Error('too many windows waiting for Redis'), window.length);
      this.wakeIfIdle();
      return;
    }
    this.inFlight += 1;
    this.inBackground(
      this.decide(window).finally(() => (this.inFlight -= 1)),
      (error) => this.deps.onFailure?.(error, window.length),
    );
  }

  /** The UTC day of `at`, from the bounds of the last one seen when it falls in them. */
  private dayOf(at: number): { name: string; start: number; end: number } {
    if (at >= this.day.start && at < this.day.end) return this.day;
    const start = at - (((at % DAY_MS) + DAY_MS) % DAY_MS);
    this.day = { name: utcDay(new Date(start)), start, end: start + DAY_MS };
    return this.day;
  }

  /** One window: each download weighed, then one script run per day in it. Resolves to the counts made. */
  private async decide(window: readonly DownloadRequest[]): Promise<number> {
    // What is not held yet is loaded first (rare: renditions are kept a minute, secrets a day).
    await this.load(window);
    const batches = new Map<string, { batch: DownloadBatch; memos: string[] }>();
    for (const request of window) {
      const agent = classifyAgent(request.userAgent, this.deps.isBot);
      if (agent.kind === 'bot') continue;
      const target = this.targets.peek(request.storageKey);
      if (!target) continue;
      const spans: ByteSpan[] = requestedSpans(target.bytes, request.range);
      if (!spans.length) continue;
      const day = this.dayOf(request.at);
      const secret = this.deps.buffer.knownDaySecret(day.name);
      if (!secret) continue;
      const listener = hashListener(secret, request);
      // The day is in countedDay: the map is emptied when it changes.
      if (this.countedDay !== day.name) {
        this.counted.clear();
        this.countedDay = day.name;
      }
      const memo = `${target.episodeId}\n${listener}`;
      if (this.counted.has(memo)) continue;
      let entry = batches.get(day.name);
      if (!entry) {
        const ttl = secondsLeftInDay(new Date(request.at));
        entry = { batch: new DownloadBatch(day.name, ttl), memos: [] };
        batches.set(day.name, entry);
      }
      entry.batch.add({
        listener,
        episodeId: target.episodeId,
        showId: target.showId,
        renditionId: target.renditionId,
        threshold: downloadThreshold(target),
        app: request.fromPlayer ? 'antenne-player' : agent.app,
        platform: agent.platform,
        spans,
      });
      entry.memos.push(memo);
    }
    let countedNow = 0;
    for (const [day, { batch, memos }] of batches) {
      const outcomes = await this.deps.buffer.decide(batch);
      // Counted (now or before) stays counted all day; bounded, it only saves round trips,
      // and forgotten with the day (no hash outlives its day in memory either).
      if (this.counted.size >= 100_000) this.counted.clear();
      outcomes.forEach((outcome, i) => {
        if (outcome === 'counted') countedNow += 1;
        // Kept only for the day it was asked on (a window may have waited across midnight).
        if (outcome !== 'not-yet' && this.countedDay === day) this.counted.set(memos[i]!, true);
      });
    }
    return countedNow;
  }

  /** Loads the renditions and day secrets a window needs that this process does not hold. */
  private async load(window: readonly DownloadRequest[]): Promise<void> {
    const loads = new Map<string, Promise<unknown>>();
    for (const { storageKey, at } of window) {
      if (!this.targets.holds(storageKey) && !loads.has(storageKey))
        loads.set(
          storageKey,
          this.targets.get(storageKey, () => this.deps.repo.listeningTarget(storageKey)),
        );
      const day = this.dayOf(at);
      if (!this.deps.buffer.knownDaySecret(day.name) && !loads.has(day.name))
        loads.set(day.name, this.deps.buffer.daySecret(day.name, secondsLeftInDay(new Date(at))));
    }
    if (loads.size) await Promise.all(loads.values());
  }

  /** A listener's pseudonym on the day of `at` (beacons: one at a time). */
  private async listenerOf(who: Requester, at: Date): Promise<string> {
    const day = utcDay(at);
    return hashListener(await this.deps.buffer.daySecret(day, secondsLeftInDay(at)), who);
  }

  /** The show of a published episode, null otherwise: whether a beacon may be taken. */
  publishedShowOf(episodeId: string): Promise<string | null> {
    // Only a yes is kept: a publication opens the beacon at once.
    return this.published.get(
      episodeId,
      () => this.deps.repo.publishedShowOf(episodeId),
      (show) => show !== null,
    );
  }

  /** A player milestone, once per listener, episode and day. */
  async listen(input: {
    readonly episodeId: string;
    readonly showId: string;
    readonly milestone: Milestone;
    readonly who: Requester;
  }): Promise<boolean> {
    if (classifyAgent(input.who.userAgent, this.deps.isBot).kind === 'bot') return false;
    const at = new Date(this.now());
    const day = utcDay(at);
    return this.deps.buffer.listen({
      listener: await this.listenerOf(input.who, at),
      ttlSeconds: secondsLeftInDay(at),
      event: {
        t: 'l',
        day,
        episodeId: input.episodeId,
        showId: input.showId,
        milestone: input.milestone,
      },
    });
  }
}

/** A listener's pseudonym for a day: a keyed hash of address and agent (docs/privacy.md). */
function hashListener(secret: Buffer, who: Requester): string {
  return createHmac('sha256', secret)
    .update(`${who.ip}\n${who.userAgent ?? ''}`)
    .digest('base64url')
    .slice(0, 22);
}

/**
 * Logs counting that failed: the error's name and message and how many requests
 * it concerned, never a request, whose address is personal data.
 */
export function logCountingError(logger: Logger, error: unknown, requests = 1): void {
  const e = error instanceof Error ? error : new Error(String(error));
  logger.warn(
    { error: { name: e.name, message: e.message }, requests },
    requests === 1 ? 'audience: a request was not counted' : 'audience: requests were not counted',
  );
}

const isMilestone = (m: string): m is Milestone => (MILESTONES as readonly string[]).includes(m);

/**
 * Adds the buffered events to the daily rows, a batch at a time, exactly once:
 * the cursor moves in the transaction that adds the counts, and the events are
 * trimmed from Redis only after.
 */
export class AudienceAggregator {
  constructor(
    private readonly deps: {
      readonly buffer: AudienceBuffer;
      readonly repo: AudienceRepository;
      readonly batchSize?: number;
    },
  ) {}

  /** Aggregates everything buffered so far; resolves to the number of events added. */
  async run(): Promise<number> {
    const size = this.deps.batchSize ?? 5000;
    let added = 0;
    for (;;) {
      const from = await this.deps.repo.cursor();
      const events = await this.deps.buffer.readAfter(from, size);
      if (!events.length) {
        if (from !== '0-0') await this.deps.buffer.trim(from);
        return added;
      }
      const to = events.at(-1)!.id;
      const { downloads, listens } = sumUp(events.map((e) => e.event));
      // Another run took the batch first: it counted it.
      if (!(await this.deps.repo.addBatch({ from, to, downloads, listens }))) return added;
      await this.deps.buffer.trim(to);
      added += events.length;
      if (events.length < size) return added;
    }
  }
}

/** Events → one increment per daily row. Malformed events are skipped. */
export function sumUp(events: readonly (AudienceEvent | null)[]): {
  downloads: DownloadIncrement[];
  listens: ListenIncrement[];
} {
  const downloads = new Map<string, DownloadIncrement>();
  const listens = new Map<string, ListenIncrement>();
  for (const e of events) {
    if (!e || !/^\d{4}-\d\d-\d\d$/.test(e.day)) continue;
    if (e.t === 'd') {
      const key = [e.day, e.episodeId, e.app, e.platform].join('\n');
      const row = downloads.get(key);
      downloads.set(key, {
        day: e.day,
        episodeId: e.episodeId,
        showId: e.showId,
        app: e.app,
        platform: e.platform,
        downloads: (row?.downloads ?? 0) + 1,
      });
    } else if (e.t === 'l' && isMilestone(e.milestone)) {
      const key = [e.day, e.episodeId, e.milestone].join('\n');
      const row = listens.get(key);
      listens.set(key, {
        day: e.day,
        episodeId: e.episodeId,
        showId: e.showId,
        milestone: e.milestone,
        listens: (row?.listens ?? 0) + 1,
      });
    }
  }
  return { downloads: [...downloads.values()], listens: [...listens.values()] };
}
