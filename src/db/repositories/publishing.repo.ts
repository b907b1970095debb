import { sql } from 'kysely';
import type { Episode, Show } from '../../core/domain.js';
import {
  assertTransition,
  publicationTarget,
  IllegalTransitionError,
  type PublicationAction,
} from '../../core/episode-state.js';
import type { EpisodePatch, ShowPatch } from '../../core/feed-schemas.js';
import type { Db } from '../connect.js';
import type { EpisodeUpdate } from '../schema.js';
import { toEpisode } from './episodes.repo.js';
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
      const current = await trx
        .selectFrom('episodes')
        .select('state')
        .where('id', '=', id)
        .forUpdate()
        .executeTakeFirstOrThrow();
      const to = publicationTarget(current.state, action);
      if (!to)
        throw new IllegalTransitionError(
          current.state,
          action === 'publish' ? 'published' : action === 'schedule' ? 'scheduled' : 'unpublished',
        );
      const row = await trx
        .updateTable('episodes')
        .set({
          state: to,
          scheduled_at: to === 'scheduled' ? at : null,
          updated_at: sql<Date>`now()`,
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
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
      const current = await trx
        .selectFrom('episodes')
        .select(['state', 'scheduled_at'])
        .where('id', '=', id)
        .forUpdate()
        .executeTakeFirst();
      if (!current || current.state !== 'scheduled' || !current.scheduled_at) return null;
      if (new Date(current.scheduled_at).getTime() > now.getTime()) return null;
      assertTransition(current.state, 'published');
      const row = await trx
        .updateTable('episodes')
        .set({ state: 'published', scheduled_at: null, updated_at: sql<Date>`now()` })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
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
    const set: EpisodeUpdate = { updated_at: sql<Date>`now()` as unknown as Date };
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
    const row = await this.db
      .updateTable('episodes')
      .set(set)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return toEpisode(row);
  }

  /** Sets (or clears) an attachment; returns the key it replaced so the caller can delete the file. */
  async setAttachment(
    id: string,
    kind: 'transcript' | 'chapters',
    value: { key: string; type?: string } | null,
  ): Promise<string | null> {
    return this.db.transaction().execute(async (trx) => {
      const column = kind === 'transcript' ? 'transcript_key' : 'chapters_key';
      const previous = await trx
        .selectFrom('episodes')
        .select(column)
        .where('id', '=', id)
        .forUpdate()
        .executeTakeFirstOrThrow();
      const set: EpisodeUpdate =
        kind === 'transcript'
          ? { transcript_key: value?.key ?? null, transcript_type: value?.type ?? null }
          : { chapters_key: value?.key ?? null };
      await trx
        .updateTable('episodes')
        .set({ ...set, updated_at: sql<Date>`now()` as unknown as Date })
        .where('id', '=', id)
        .execute();
      const old = (previous as Record<string, string | null>)[column] ?? null;
      return old && old !== value?.key ? old : null;
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
        updated_at: sql<Date>`now()` as unknown as Date,
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return toShow(row);
  }

  /** Sets the artwork key; returns the key it replaced. */
  async setArtwork(showId: string, key: string): Promise<string | null> {
    return this.db.transaction().execute(async (trx) => {
      const previous = await trx
        .selectFrom('shows')
        .select('artwork_key')
        .where('id', '=', showId)
        .forUpdate()
        .executeTakeFirstOrThrow();
      await trx
        .updateTable('shows')
        .set({ artwork_key: key, updated_at: sql<Date>`now()` as unknown as Date })
        .where('id', '=', showId)
        .execute();
      return previous.artwork_key && previous.artwork_key !== key ? previous.artwork_key : null;
    });
  }
}
