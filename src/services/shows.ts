import { v5 as uuidv5 } from 'uuid';
import type { Show } from '../core/domain.js';
import { AppError, notFound } from '../core/errors.js';
import { newShowId } from '../core/ids.js';
import type { QualitySettingsInput } from '../core/quality.js';
import type { AudioSettingsInput, CreateShowInput } from '../core/schemas.js';
import { publicUrls } from '../core/urls.js';
import type { FeedMovesRepository } from '../db/repositories/feed-moves.repo.js';
import type { ShowsRepository } from '../db/repositories/shows.repo.js';

/** The Podcasting 2.0 namespace's own UUIDv5 namespace for `podcast:guid`. */
export const PODCAST_GUID_NAMESPACE = 'ead4c236-bf58-58c6-a2c6-a6b28d128cb6';

/** `podcast:guid` per the spec: UUIDv5 of the feed URL without scheme and trailing slashes. */
export function podcastGuidFor(feedUrl: string): string {
  const bare = feedUrl.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').replace(/\/+$/, '');
  return uuidv5(bare, PODCAST_GUID_NAMESPACE);
}

export class ShowService {
  constructor(
    private readonly shows: ShowsRepository,
    private readonly publicUrl: string,
    /** Former slugs of moved shows: theirs while their old feed URL redirects. */
    private readonly moves?: Pick<FeedMovesRepository, 'holderOf'>,
  ) {}

  async create(input: CreateShowInput): Promise<Show> {
    if (await this.shows.findBySlug(input.slug)) {
      throw new AppError(
        409,
        'conflict',
        'A show with this slug exists',
        `The slug "${input.slug}" is taken.`,
        [{ field: 'slug', message: 'is already used by another show' }],
      );
    }
    if (await this.moves?.holderOf(input.slug)) {
      throw new AppError(
        409,
        'conflict',
        'This slug is a moved show’s former address',
        `The feed URL of "${input.slug}" redirects to the show that moved from it.`,
        [
          {
            field: 'slug',
            message: 'was another show’s address; its old feed URL redirects there',
          },
        ],
      );
    }
    return this.shows.insert({
      id: newShowId(),
      slug: input.slug,
      title: input.title,
      description: input.description,
      language: input.language,
      author: input.author,
      owner: input.owner,
      imageUrl: input.imageUrl,
      category: input.category,
      subcategory: input.subcategory,
      explicit: input.explicit,
      type: input.type,
      siteUrl: input.siteUrl,
      copyright: input.copyright,
      medium: input.medium,
      locked: input.locked,
      txt: input.txt,
      audio: {
        loudnessTargetLufs: input.loudnessTargetLufs ?? null,
        truePeakDbtp: input.truePeakDbtp ?? null,
        renditionProfiles: input.renditionProfiles ?? null,
      },
      // Set once from the first feed URL and never recomputed, as the namespace requires.
      podcastGuid: podcastGuidFor(publicUrls(this.publicUrl).feed(input.slug)),
    });
  }

  /** Replaces the show's audio settings (absent fields go back to the defaults). */
  async setAudio(slug: string, input: AudioSettingsInput): Promise<Show> {
    const show = await this.getBySlug(slug);
    return this.shows.updateAudio(show.id, {
      loudnessTargetLufs: input.loudnessTargetLufs ?? null,
      truePeakDbtp: input.truePeakDbtp ?? null,
      renditionProfiles: input.renditionProfiles ?? null,
    });
  }

  /**
   * Replaces the show's quality thresholds (only what differs from the defaults is
   * stored; `{}` returns to them). They apply to reports at once; the silence level
   * and the dead-channel threshold apply from the next processing.
   */
  async setQuality(slug: string, input: QualitySettingsInput): Promise<Show> {
    const show = await this.getBySlug(slug);
    return this.shows.updateQuality(show.id, Object.keys(input).length ? input : null);
  }

  async getBySlug(slug: string): Promise<Show> {
    const show = await this.shows.findBySlug(slug);
    if (!show) throw notFound('Show', `No show has the slug "${slug}".`);
    return show;
  }
}
