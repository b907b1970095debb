/**
 * Audience counting (issue 12, docs/privacy.md): the hot path that turns an
 * audio request or a player beacon into at most one buffered event, and the
 * batch job that adds the buffered events to the daily figures.
 */
import { createHmac } from 'node:crypto';
import { classifyAgent, type AudienceApp } from '../core/audience-apps.js';
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
import type { AudienceBuffer, AudienceEvent } from '../queue/audience-buffer.js';

export const MILESTONES = ['started', 'heard-30s', 'completed'] as const;
export type Milestone = (typeof MILESTONES)[number];

/** After the end of its day, a day's secret and listener state live this much longer (clock skew). */
const GRACE_SECONDS = 3600;

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

export class AudienceRecorder {
  private readonly targets: Cache<ListeningTarget | null>;
  private readonly published: Cache<string | null>;
  private running = 0;
  private idle: (() => void)[] = [];
  /** Listeners this process saw counted today, per episode: their next requests skip Redis. */
  private readonly counted = new Map<string, true>();
  private countedDay = '';

  constructor(
    private readonly deps: {
      readonly buffer: AudienceBuffer;
      readonly repo: AudienceRepository;
      /** The generic bot detector (the `isbot` package). */
      readonly isBot: (userAgent: string) => boolean;
      readonly now?: () => number;
    },
  ) {
    const now = deps.now ?? Date.now;
    // A rendition's size never changes (content-addressed keys): kept a minute.
    this.targets = new Cache(60_000, now);
    // Publication state: a couple of seconds, like the media check (src/http/published-media.ts).
    this.published = new Cache(2_000, now);
  }

  /**
   * Runs a recording in the background (the answer does not wait for it); errors
   * go to `onError`. `settled()` waits for every one still running.
   */
  inBackground(work: Promise<unknown>, onError: (error: unknown) => void): void {
    // A count, not a set of promises: one settle handler per request on the hot path.
    this.running += 1;
    const done = () => {
      this.running -= 1;
      if (this.running === 0) for (const wake of this.idle.splice(0)) wake();
    };
    work.then(done, (error: unknown) => {
      done();
      onError(error);
    });
  }

  /** Resolves once the recordings started so far are done (tests, shutdown). */
  async settled(): Promise<void> {
    if (this.running === 0) return;
    await new Promise<void>((resolve) => this.idle.push(resolve));
  }

  private at(): Date {
    return new Date((this.deps.now ?? Date.now)());
  }

  private async listenerOf(who: Requester, day: string, ttl: number): Promise<string> {
    return hashListener(await this.deps.buffer.daySecret(day, ttl), who);
  }

  /**
   * A GET of a published file (HEAD is no download: the caller does not call
   * this). Counts the episode's download for this listener once its requests
   * reach a minute of audio. Resolves to whether this request made it count.
   */
  async download(input: {
    readonly storageKey: string;
    readonly range: string | undefined;
    readonly who: Requester;
    /** The request came from the Antenne player (its audio URL's mark). */
    readonly fromPlayer: boolean;
  }): Promise<boolean> {
    const agent = classifyAgent(input.who.userAgent, this.deps.isBot);
    if (agent.kind === 'bot') return false;
    // Held values are read without awaiting: the common case costs no extra turn.
    const target =
      this.targets.peek(input.storageKey) ??
      (await this.targets.get(input.storageKey, () =>
        this.deps.repo.listeningTarget(input.storageKey),
      ));
    if (!target) return false;
    const spans: ByteSpan[] = requestedSpans(target.bytes, input.range);
    if (!spans.length) return false;
    const at = this.at();
    const day = utcDay(at);
    const ttl = secondsLeftInDay(at);
    const app: AudienceApp = input.fromPlayer ? 'antenne-player' : agent.app;
    // The day's secret is almost always held: no extra turn of the event loop then.
    const secret = this.deps.buffer.knownDaySecret(day);
    const listener = secret
      ? hashListener(secret, input.who)
      : await this.listenerOf(input.who, day, ttl);
    // The day is in countedDay: the map is emptied when it changes.
    const memo = `${target.episodeId}\n${listener}`;
    if (this.countedDay !== day) {
      this.counted.clear();
      this.countedDay = day;
    }
    if (this.counted.has(memo)) return false;
    const now = await this.deps.buffer.download({
      listener,
      renditionId: target.renditionId,
      spans,
      threshold: downloadThreshold(target),
      ttlSeconds: ttl,
      event: {
        t: 'd',
        day,
        episodeId: target.episodeId,
        showId: target.showId,
        app,
        platform: agent.platform,
      },
    });
    // Counted (now or before) stays counted all day; bounded, it only saves round trips,
    // and forgotten with the day (no hash outlives its day in memory either).
    if (this.counted.size >= 100_000) this.counted.clear();
    // Set only for the day it was asked on (a request may have waited across midnight).
    if (now !== 'not-yet' && this.countedDay === day) this.counted.set(memo, true);
    return now === 'counted';
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
    const at = this.at();
    const day = utcDay(at);
    const ttl = secondsLeftInDay(at);
    return this.deps.buffer.listen({
      listener: await this.listenerOf(input.who, day, ttl),
      ttlSeconds: ttl,
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
