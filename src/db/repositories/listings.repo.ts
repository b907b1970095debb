import { sql } from 'kysely';
import type { Db } from '../connect.js';

export interface ShowSummary {
  readonly id: string;
  readonly slug: string;
  readonly title: string;
  readonly imageUrl: string | null;
  readonly language: string;
  readonly episodes: number;
}

/** Lists for the studio and CMS clients (the other repositories fetch one row at a time). */
export class ListingsRepository {
  constructor(private readonly db: Db) {}

  async shows(): Promise<ShowSummary[]> {
    const rows = await this.db
      .selectFrom('shows')
      .leftJoin('episodes', 'episodes.show_id', 'shows.id')
      .select((eb) => [
        'shows.id',
        'shows.slug',
        'shows.title',
        'shows.image_url',
        'shows.language',
        eb.fn.count<string | number | bigint>('episodes.id').as('n'),
      ])
      .groupBy(['shows.id', 'shows.slug', 'shows.title', 'shows.image_url', 'shows.language'])
      .orderBy('shows.title')
      .execute();
    return rows.map((r) => ({
      id: r.id,
      slug: r.slug,
      title: r.title,
      imageUrl: r.image_url,
      language: r.language,
      episodes: Number(r.n),
    }));
  }

  /** The article categories a show's episodes carry, once each, in French order. */
  async categoriesOf(showId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('episodes')
      .select(sql<string>`jsonb_array_elements_text(categories)`.as('category'))
      .where('show_id', '=', showId)
      .distinct()
      .execute();
    return rows.map((r) => r.category).sort((a, b) => a.localeCompare(b, 'fr'));
  }
}
