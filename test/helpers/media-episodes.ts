/** Episodes with one stored MP3 each, inserted directly (no pipeline): for media delivery tests. */
import { newPublicationKey } from '../../src/core/ids.js';
import { insertEpisodeWithMp3 } from '../../support/bulk-episodes.js';
import { type TestApp } from './app.js';
import { SHOW_INPUT } from '../fixtures/editorial.js';

export interface MediaEpisode {
  readonly id: string;
  /** null: not published. */
  readonly publicationKey: string | null;
  /** The MP3's storage key. */
  readonly key: string;
}

/** A published (or ready, unpublished) episode of the test show, its MP3 holding `bytes`. */
export async function addMediaEpisode(
  app: TestApp,
  state: 'published' | 'ready',
  bytes: Uint8Array,
  durationSeconds = 18,
): Promise<MediaEpisode> {
  const show = await app.antenne.repos.shows.findBySlug(SHOW_INPUT.slug);
  if (!show) throw new Error('create the test show first');
  const publicationKey = state === 'published' ? newPublicationKey() : null;
  const { id, key } = await insertEpisodeWithMp3(app.antenne.db.db, {
    showId: show.id,
    state,
    publicationKey,
    title: `Entretien (${state})`,
    bytes: bytes.length,
    durationSeconds,
  });
  await app.antenne.storage.putBytes(key, bytes);
  return { id, publicationKey, key };
}

/** The URL the API gives editors for an episode's first rendition. */
export async function renditionUrl(baseUrl: string, id: string, token: string): Promise<string> {
  const answer = await fetch(`${baseUrl}/api/episodes/${id}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  if (answer.status !== 200) throw new Error(`episode ${id}: ${answer.status}`);
  const episode = (await answer.json()) as { renditions: { url: string }[] };
  return episode.renditions[0]!.url;
}
