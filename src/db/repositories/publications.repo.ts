import type { Db } from '../connect.js';

/** The current publication key of an episode, or of a clip's episode (null: not published). */
export class PublicationsRepository {
  constructor(private readonly db: Db) {}

  async ofEpisode(id: string): Promise<string | null> {
    const row = await this.db
      .selectFrom('episodes')
      .select(['state', 'publication_key'])
      .where('id', '=', id)
      .executeTakeFirst();
    return row?.state === 'published' ? row.publication_key : null;
  }

  /** Only ready clips are public: a clip being cut again has no public file. */
  async ofClip(id: string): Promise<string | null> {
    const row = await this.db
      .selectFrom('clips')
      .innerJoin('episodes', 'episodes.id', 'clips.episode_id')
      .select(['episodes.state', 'episodes.publication_key', 'clips.state as clip_state'])
      .where('clips.id', '=', id)
      .executeTakeFirst();
    return row?.state === 'published' && row.clip_state === 'ready' ? row.publication_key : null;
  }
}
