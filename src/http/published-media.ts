/**
 * Decides whether a publication-keyed media URL may be served: its file must
 * belong to an episode (or a clip of one) that is published under that very key.
 * A yes is kept a couple of seconds per process, so the hot path costs no query per
 * Range request and an unpublish still withdraws the files within seconds; a no is
 * asked again each time, so a publication opens the files at once.
 */
import type { PublicationsRepository } from '../db/repositories/publications.repo.js';

/** Which record owns a stored file, read from its key. */
export function ownerOfKey(key: string): { kind: 'episode' | 'clip'; id: string } | null {
  const match = /^public\/(episodes|clips)\/([a-z0-9]{1,64})\/[^/]+$/.exec(key);
  if (!match) return null;
  return { kind: match[1] === 'episodes' ? 'episode' : 'clip', id: match[2]! };
}

export class PublishedMediaCheck {
  private readonly cache = new Map<string, { key: string; until: number }>();

  constructor(
    private readonly publications: PublicationsRepository,
    private readonly ttlMs = 2000,
    private readonly maxEntries = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  async allows(storageKey: string, publicationKey: string): Promise<boolean> {
    const owner = ownerOfKey(storageKey);
    if (!owner) return false;
    const cacheKey = `${owner.kind}:${owner.id}`;
    const hit = this.cache.get(cacheKey);
    if (hit && hit.until > this.now() && hit.key === publicationKey) return true;
    const current =
      owner.kind === 'episode'
        ? await this.publications.ofEpisode(owner.id)
        : await this.publications.ofClip(owner.id);
    if (current === null) {
      this.cache.delete(cacheKey);
      return false;
    }
    if (this.cache.size >= this.maxEntries) this.cache.clear();
    this.cache.set(cacheKey, { key: current, until: this.now() + this.ttlMs });
    return current === publicationKey;
  }
}
