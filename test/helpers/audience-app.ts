/** The shared audience rows (./audience-rows.ts) in a running test app, under SHOW_INPUT's show. */
import { SHOW_INPUT } from '../fixtures/editorial.js';
import type { TestApp } from './app.js';
import { seedAudience } from './audience-rows.js';

export const OTHER_SHOW_SLUG = 'bretagne-numerique';

/** Creates a second show through the API, then writes the rows (SHOW_INPUT's show must exist). */
export async function seedAudienceInApp(app: TestApp): Promise<void> {
  const created = await app.authed('/api/shows', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...SHOW_INPUT, slug: OTHER_SHOW_SLUG, title: 'Bretagne Numérique' }),
  });
  if (created.status !== 201) throw new Error(`POST /api/shows: ${created.status}`);
  const repos = app.antenne.repos;
  const show = await repos.shows.findBySlug(SHOW_INPUT.slug);
  const other = await repos.shows.findBySlug(OTHER_SHOW_SLUG);
  await seedAudience(app.antenne.db.db, show!.id, other!.id);
}
