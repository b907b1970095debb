/**
 * The renders this process serves from memory. An entry is trusted for
 * `revalidateMs` after it was last checked against the stored row (another
 * process may have rendered since); the fast path reads it without awaiting.
 */
import type { ServedFeed } from './feed-bytes.js';

interface Entry {
  render: ServedFeed;
  checkedAt: number;
}

export class FeedCache {
  private readonly entries = new Map<string, Entry>();
  private readonly showIds = new Map<string, string>();

  constructor(
    private readonly revalidateMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  showIdOf(showSlug: string): string | undefined {
    return this.showIds.get(showSlug);
  }

  /** `showSlug` names `showId`, and no other slug does (a show has one slug at a time). */
  rememberShow(showSlug: string, showId: string): void {
    if (this.showIds.get(showSlug) === showId) return;
    for (const [slug, id] of this.showIds) if (id === showId) this.showIds.delete(slug);
    this.showIds.set(showSlug, showId);
  }

  forgetSlug(showSlug: string): void {
    this.showIds.delete(showSlug);
  }

  /** The render, whether or not it is due for revalidation. */
  entry(feedKey: string): ServedFeed | undefined {
    return this.entries.get(feedKey)?.render;
  }

  /** The render if it was checked less than `revalidateMs` ago. */
  fresh(feedKey: string): ServedFeed | undefined {
    const entry = this.entries.get(feedKey);
    return entry && this.now() - entry.checkedAt < this.revalidateMs ? entry.render : undefined;
  }

  set(feedKey: string, render: ServedFeed): void {
    this.entries.set(feedKey, { render, checkedAt: this.now() });
  }

  /** The stored row still names the render we hold: trust it for another period. */
  confirm(feedKey: string): void {
    const entry = this.entries.get(feedKey);
    if (entry) entry.checkedAt = this.now();
  }

  delete(feedKey: string): void {
    this.entries.delete(feedKey);
  }

  /** Drops a show's renders except `keep` (all of them without it): they are read again from storage. */
  forgetShow(showId: string, keep: readonly string[] = []): void {
    for (const key of this.entries.keys()) {
      const ofShow = key === showId || key.startsWith(`${showId}/`);
      if (ofShow && !keep.includes(key)) this.entries.delete(key);
    }
  }
}
