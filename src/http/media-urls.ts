/**
 * The URLs of stored files, by who may fetch them (the access model of
 * src/http/access.ts, applied to media):
 * - a published episode's files (and its clips'): `/media/p/<publication key>/<key>`,
 *   public; the key changes at every publication, so a withdrawn URL stays dead;
 * - show artwork: `/media/<key>`, public (the show's feed shows it anyway);
 * - anything else an editor may hear (drafts, scheduled, unpublished): a signed,
 *   short-lived `/media/<key>?expires=…&signature=…` (HMAC-SHA256).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Episode } from '../core/domain.js';
import { isAlwaysPublicKey } from '../core/storage-keys.js';
import { directMediaUrl, publishedMediaUrl, type MediaBase } from '../core/urls.js';

export { directMediaUrl, isAlwaysPublicKey, publishedMediaUrl };
export {
  defaultMediaBase,
  mediaBase,
  PUBLISHED_SEGMENT,
  publishedMediaUrls,
  type MediaBase,
} from '../core/urls.js';

/** Signs and checks editors' private media URLs. */
export class MediaSigner {
  /**
   * @param ttlSeconds how long a URL stays valid at least (an hour: an editor can
   *   listen through a long interview and still seek).
   * @param granularitySeconds expiries are rounded up to this step, so the same file
   *   gets the same URL for a while (browser cache, no reload of the player).
   */
  constructor(
    private readonly secret: Buffer,
    private readonly ttlSeconds = 3600,
    private readonly granularitySeconds = 600,
    private readonly now: () => number = Date.now,
  ) {}

  private mac(key: string, expires: number): Buffer {
    return createHmac('sha256', this.secret).update(`${key}\n${expires}`).digest();
  }

  sign(key: string): { expires: number; signature: string } {
    const earliest = Math.floor(this.now() / 1000) + this.ttlSeconds;
    const expires = Math.ceil(earliest / this.granularitySeconds) * this.granularitySeconds;
    return { expires, signature: this.mac(key, expires).toString('base64url') };
  }

  /** Seconds left when the signature is valid for `key` and not expired, else null. */
  verify(key: string, expires: unknown, signature: unknown): number | null {
    if (typeof expires !== 'string' || typeof signature !== 'string') return null;
    if (!/^\d{1,12}$/.test(expires) || !/^[A-Za-z0-9_-]{43}$/.test(signature)) return null;
    const at = Number(expires);
    const left = at - Math.floor(this.now() / 1000);
    if (left <= 0) return null;
    const expected = this.mac(key, at);
    const given = Buffer.from(signature, 'base64url');
    return given.length === expected.length && timingSafeEqual(given, expected) ? left : null;
  }
}

/** URLs for editors' API answers and studio pages. */
export class MediaUrls {
  /**
   * @param publicUrl the site's origin (API links)
   * @param mediaBase where /media is reached (PUBLIC_URL/media, or MEDIA_PUBLIC_URL)
   */
  constructor(
    readonly publicUrl: string,
    readonly mediaBase: MediaBase,
    private readonly signer: MediaSigner,
  ) {}

  /** A short-lived URL only its holder can use. */
  signed(key: string): string {
    if (isAlwaysPublicKey(key)) return directMediaUrl(this.mediaBase, key);
    const { expires, signature } = this.signer.sign(key);
    return `${directMediaUrl(this.mediaBase, key)}?expires=${expires}&signature=${signature}`;
  }

  /** The public URL while the episode is published (what the feed shows), a signed one otherwise. */
  forEpisode(episode: Pick<Episode, 'state' | 'publicationKey'>): (key: string) => string {
    const publicationKey = episode.state === 'published' ? episode.publicationKey : null;
    return publicationKey
      ? (key) => publishedMediaUrl(this.mediaBase, publicationKey, key)
      : (key) => this.signed(key);
  }
}
