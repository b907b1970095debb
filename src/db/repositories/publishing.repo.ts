import type { Chapters } from '../../core/chapters.js';
import type { Episode, Show } from '../../core/domain.js';
import {
  assertTransition,
  publicationTarget,
  IllegalTransitionError,
  type PublicationAction,
} from '../../core/episode-state.js';
import type { EpisodePatch, ShowPatch } from '../../core/feed-schemas.js';
import { newPublicationKey } from '../../core/ids.js';
import type { Db } from '../connect.js';
import type { EpisodeUpdate } from '../schema.js';
import { toEpisode } from './episodes.repo.js';
import {
  replaceFileKey,
  selectEpisodeForUpdate,
  updateEpisodeRow,
  updatedAtNow,
} from './row-locks.js';
import { toShow } from './shows.repo.js';

/** Writes of publishing: state + schedule, metadata edits, attachments (artwork, transcript, chapters). */
export class PublishingRepository {
  constructor(private readonly db: Db) {}

  /**
   * Applies an editor action under a row lock; `at` is the scheduled time
   * (schedule only). Throws IllegalTransitionError when the state forbids it.
   */
  async applyAction(id: string, action: PublicationAction, at: Date | null): Promise<Episode> {
    return this.db.transaction().execute(async (trx) => {
      const current = await selectEpisodeForUpdate(trx, id, ['state']).executeTakeFirstOrThrow();
      const to = publicationTarget(current.state, action);
      if (!to)
        throw new IllegalTransitionError(
          current.state,
          action === 'publish' ? 'published' : action === 'schedule' ? 'scheduled' : 'unpublished',
        );
      const row = await updateEpisodeRow(trx, id, {
        state: to,
        scheduled_at: to === 'scheduled' ? at : null,
        publication_key: to === 'published' ? newPublicationKey() : null,
        ...updatedAtNow,
      });
      return toEpisode(row);
    });
  }

  /**
   * The delayed job's work: publishes the episode if it is still scheduled and
   * its time has come. Returns null when there is nothing to do (unpublished,
   * rescheduled later, or already published).
   */
  async publishIfDue(id: string, now: Date): Promise<Episode | null> {
    return this.db.transaction().execute(async (trx) => {
      const current = await selectEpisodeForUpdate(trx, id, [
        'state',
        'scheduled_at',
      ]).executeTakeFirst();
      if (!current || current.state !== 'scheduled' || !current.scheduled_at) return null;
      if (new Date(current.scheduled_at).getTime() > now.getTime()) return null;
      assertTransition(current.state, 'published');
      const row = await updateEpisodeRow(trx, id, {
        state: 'published',
        scheduled_at: null,
        publication_key: newPublicationKey(),
        ...updatedAtNow,
      });
      return toEpisode(row);
    });
  }

  async listScheduled(): Promise<{ id: string; showId: string; scheduledAt: Date }[]> {
    const rows = await this.db
      .selectFrom('episodes')
      .select(['id', 'show_id', 'scheduled_at'])
      .where('state', '=', 'scheduled')
      .where('scheduled_at', 'is not', null)
      .execute();
    return rows.map((r) => ({
      id: r.id,
      showId: r.show_id,
      scheduledAt: new Date(r.scheduled_at!),
    }));
  }

  /** Edits article and item fields. The guid is not among them: it never changes. */
  async patchEpisode(id: string, patch: Partial<EpisodePatch>): Promise<Episode> {
    const set: EpisodeUpdate = { ...updatedAtNow };
    if (patch.title !== undefined) set.title = patch.title;
    if (patch.summary !== undefined) set.summary = patch.summary;
    if (patch.articleUrl !== undefined) set.article_url = patch.articleUrl;
    if (patch.author !== undefined) set.author = patch.author;
    if (patch.publishedAt !== undefined) set.published_at = patch.publishedAt;
    if (patch.categories !== undefined) set.categories = JSON.stringify(patch.categories);
    if (patch.imageUrl !== undefined) set.image_url = patch.imageUrl;
    if (patch.source !== undefined) set.source = patch.source;
    if (patch.copyright !== undefined) set.copyright = patch.copyright;
    if (patch.language !== undefined) set.language = patch.language;
    if (patch.interviewees !== undefined) set.interviewees = JSON.stringify(patch.interviewees);
    if (patch.episodeType !== undefined) set.episode_type = patch.episodeType;
    if (patch.season !== undefined) set.season = patch.season;
    if (patch.episodeNumber !== undefined) set.episode_number = patch.episodeNumber;
    if (patch.explicit !== undefined) set.explicit = patch.explicit;
    if (patch.location !== undefined)
      set.location = patch.location ? JSON.stringify(patch.location) : null;
    return toEpisode(await updateEpisodeRow(this.db, id, set));
  }

  /** Sets (or clears) an attachment; returns the key it replaced so the caller can delete the file. */
  /** Sets the transcript file; returns the key it replaced. */
  async setTranscript(id: string, value: { key: string; type: string }): Promise<string | null> {
    return replaceFileKey(this.db, 'episodes', id, 'transcript_key', value.key, {
      transcript_type: value.type,
      ...updatedAtNow,
    });
  }

  /**
   * The episode's one chapter list: kept with the episode (written into the audio
   * files at the next processing) and as the JSON file the feed and the player read.
   * Returns the file key it replaced.
   */
  async setChapters(id: string, key: string, chapters: Chapters): Promise<string | null> {
    return replaceFileKey(this.db, 'episodes', id, 'chapters_key', key, {
      chapters: JSON.stringify(chapters),
      ...updatedAtNow,
    });
  }

  async patchShow(id: string, patch: ShowPatch): Promise<Show> {
    const row = await this.db
      .updateTable('shows')
      .set({
        ...(patch.title !== undefined ? { title: patch.title } : {}),
        ...(patch.description !== undefined ? { description: patch.description } : {}),
        ...(patch.language !== undefined ? { language: patch.language } : {}),
        ...(patch.author !== undefined ? { author: patch.author } : {}),
        ...(patch.owner !== undefined
          ? { owner_name: patch.owner.name, owner_email: patch.owner.email }
          : {}),
        ...(patch.imageUrl !== undefined ? { image_url: patch.imageUrl } : {}),
        ...(patch.category !== undefined ? { category: patch.category } : {}),
        ...(patch.subcategory !== undefined ? { subcategory: patch.subcategory } : {}),
        ...(patch.explicit !== undefined ? { explicit: patch.explicit } : {}),
        ...(patch.type !== undefined ? { show_type: patch.type } : {}),
        ...(patch.siteUrl !== undefined ? { site_url: patch.siteUrl } : {}),
        ...(patch.copyright !== undefined ? { copyright: patch.copyright } : {}),
        ...(patch.medium !== undefined ? { medium: patch.medium } : {}),
        ...(patch.locked !== undefined ? { locked: patch.locked } : {}),
        ...(patch.txt !== undefined ? { txt: patch.txt } : {}),
        ...updatedAtNow,
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return toShow(row);
  }

  /** Sets the artwork key; returns the key it replaced. */
  async setArtwork(showId: string, key: string): Promise<string | null> {
    return replaceFileKey(this.db, 'shows', showId, 'artwork_key', key, updatedAtNow);
  }
}
