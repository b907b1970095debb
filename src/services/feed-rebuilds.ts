/**
 * Feed rebuilds coalesced within a process and across processes, so that a
 * burst of changes to one show renders its feeds about twice, whatever number
 * of API and worker processes asked, and the last render always reads the
 * data after the last change.
 *
 * Every request takes a revision in PostgreSQL after its change is committed.
 * One process at a time holds the show's lease (expiring, so a crashed holder
 * does not block the others) and renders; before reading the data it notes the
 * latest requested revision, and once stored marks it built. A request is done
 * when a render that covers its revision is stored, by whichever process.
 */
import { randomUUID } from 'node:crypto';
import type { FeedBuildsRepository } from '../db/repositories/feed-builds.repo.js';

export interface FeedRebuildsOptions {
  /** Renders and stores the show's feeds (reading the data when called). */
  readonly render: (showId: string) => Promise<unknown>;
  /** Called when another process rendered for us: what this process holds is stale. */
  readonly renderedElsewhere: (showId: string) => void;
  /** How long a lease lasts without renewal (renewed before every render). */
  readonly leaseMs?: number;
  /** How often a waiting process looks again. */
  readonly pollMs?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class FeedRebuilds {
  private readonly owner = `${process.pid}-${randomUUID()}`;
  private readonly running = new Map<string, Promise<void>>();
  private readonly leaseMs: number;
  private readonly pollMs: number;

  constructor(
    private readonly builds: FeedBuildsRepository,
    private readonly options: FeedRebuildsOptions,
  ) {
    this.leaseMs = options.leaseMs ?? 60_000;
    this.pollMs = options.pollMs ?? 25;
  }

  /**
   * Resolves once the show's feeds, as stored, reflect every change committed
   * before the call. Each call takes its revision at once; in this process one
   * call at a time works for a show, the others wait for it and are often done
   * by then.
   */
  async rebuild(showId: string): Promise<void> {
    const revision = await this.builds.request(showId);
    for (let current = this.running.get(showId); current; current = this.running.get(showId)) {
      await current.catch(() => undefined);
    }
    const run = this.coordinated(showId, revision).finally(() => this.running.delete(showId));
    this.running.set(showId, run);
    return run;
  }

  private async coordinated(showId: string, revision: number): Promise<void> {
    for (;;) {
      const state = await this.builds.revisions(showId);
      if (!state || state.built >= revision) {
        this.options.renderedElsewhere(showId);
        return;
      }
      if (await this.builds.tryLease(showId, this.owner, this.leaseMs)) {
        try {
          await this.renderWhileRequested(showId);
        } finally {
          await this.builds.releaseLease(showId, this.owner);
        }
        return;
      }
      await sleep(this.pollMs);
    }
  }

  /** Renders until no request came in during the last render (their changes may be missing from it). */
  private async renderWhileRequested(showId: string): Promise<void> {
    for (;;) {
      const state = await this.builds.revisions(showId);
      if (!state || state.built >= state.requested) return;
      await this.builds.tryLease(showId, this.owner, this.leaseMs);
      await this.options.render(showId);
      await this.builds.markBuilt(showId, state.requested);
    }
  }
}
