import { sql } from 'kysely';
import type { Show, ShowAudioSettings } from '../../core/domain.js';
import type { QualitySettingsInput } from '../../core/quality.js';
import type { Db } from '../connect.js';
import type { NewShowRow, ShowRow } from '../schema.js';
import { insertRow, rowById, rowWhere } from './rows.js';

export type NewShow = Omit<Show, 'createdAt' | 'updatedAt'>;

export class ShowsRepository {
  constructor(private readonly db: Db) {}

  async insert(show: NewShow): Promise<Show> {
    const row: NewShowRow = {
      id: show.id,
      slug: show.slug,
      title: show.title,
      description: show.description,
      language: show.language,
      author: show.author,
      owner_name: show.owner.name,
      owner_email: show.owner.email,
      image_url: show.imageUrl,
      category: show.category,
      subcategory: show.subcategory,
      explicit: show.explicit,
      show_type: show.type,
      site_url: show.siteUrl,
      copyright: show.copyright,
      podcast_guid: show.podcastGuid,
      ...(show.medium !== undefined ? { medium: show.medium } : {}),
      ...(show.locked !== undefined ? { locked: show.locked } : {}),
      ...(show.txt !== undefined ? { txt: show.txt } : {}),
      loudness_target_lufs: show.audio?.loudnessTargetLufs ?? null,
      true_peak_dbtp: show.audio?.truePeakDbtp ?? null,
      rendition_profiles: show.audio?.renditionProfiles
        ? JSON.stringify(show.audio.renditionProfiles)
        : null,
    };
    const inserted = await insertRow(this.db, 'shows', row);
    return toShow(inserted);
  }

  async findBySlug(slug: string): Promise<Show | undefined> {
    const row = await rowWhere(this.db, 'shows', 'slug', slug);
    return row && toShow(row);
  }

  async updateAudio(id: string, audio: ShowAudioSettings): Promise<Show> {
    const row = await this.db
      .updateTable('shows')
      .set({
        loudness_target_lufs: audio.loudnessTargetLufs,
        true_peak_dbtp: audio.truePeakDbtp,
        rendition_profiles: audio.renditionProfiles
          ? JSON.stringify(audio.renditionProfiles)
          : null,
        updated_at: sql<Date>`now()`,
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return toShow(row);
  }

  /** The show's quality thresholds (only what differs from the defaults; null: all defaults). */
  async updateQuality(id: string, settings: QualitySettingsInput | null): Promise<Show> {
    const row = await this.db
      .updateTable('shows')
      // updated_at stays: the feeds do not show thresholds (their lastBuildDate would move).
      .set({ quality_settings: settings ? JSON.stringify(settings) : null })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return toShow(row);
  }

  async findById(id: string): Promise<Show | undefined> {
    const row = await rowById(this.db, 'shows', id);
    return row && toShow(row);
  }
}

export function toShow(row: ShowRow): Show {
  return {
    id: row.id,
    slug: row.slug,
    title: row.title,
    description: row.description,
    language: row.language,
    author: row.author,
    owner: { name: row.owner_name, email: row.owner_email },
    imageUrl: row.image_url,
    category: row.category,
    subcategory: row.subcategory,
    explicit: row.explicit,
    type: row.show_type,
    siteUrl: row.site_url,
    copyright: row.copyright,
    podcastGuid: row.podcast_guid,
    audio: {
      loudnessTargetLufs: row.loudness_target_lufs,
      truePeakDbtp: row.true_peak_dbtp,
      renditionProfiles: row.rendition_profiles,
    },
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
    artworkKey: row.artwork_key,
    medium: row.medium,
    locked: row.locked,
    txt: row.txt,
    newFeedUrl: row.new_feed_url,
    quality: row.quality_settings ?? null,
  };
}
