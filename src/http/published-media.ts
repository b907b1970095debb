/**
 * Decides whether a publication-keyed media URL may be served: its file must
 * belong to an episode (or a clip of one) that is published under that very key.
 * Answers are kept a couple of seconds per process, so the hot path costs no query
 * per Range request and an unpublish still withdraws the files within seconds.
 */
import type { PublicationsRepository } from '../db/repositories/publications.repo.js';

/** Which record owns a stored file, read from its key. */
export function ownerOfKey(key: string): { kind: 'episode' | 'clip'; id: string } | null {
  const match = /^public\/(episodes|clips)\/([a-z0-9]{1,64})\/[^/]+$/.exec(key);
  if (!match) return null;
  return { kind: match[1] === 'episodes' ? 'episode' : 'clip', id: match[2]! };
}

export class PublishedMediaCheck {
  private readonly cache = new Map<string, { key: string | null; until: number }>();

  constructor(
    private readonly publications: PublicationsRepository,
    private readonly ttlMs = 2000,
    private readonly maxEntries = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  async allows(storageKey: string, publicationKey: string): Promise<boolean> {
    const owner = ownerOfKey(storageKey);
    if (!owner) return false;
    return (await this.currentKey(owner)) === publicationKey;
  }

  private async currentKey(owner: {
    kind: 'episode' | 'clip';
    id: string;
  }): Promise<string | null> {
    const cacheKey = `${owner.kind}:${owner.id}`;
    const now = this.now();
    const hit = this.cache.get(cacheKey);
    if (hit && hit.until > now) return hit.key;
    const key =
      owner.kind === 'episode'
        ? await this.publications.ofEpisode(owner.id)
        : await this.publications.ofClip(owner.id);
    if (this.cache.size >= this.maxEntries) this.cache.clear();
    this.cache.set(cacheKey, { key, until: now + this.ttlMs });
    return key;
  }
}
