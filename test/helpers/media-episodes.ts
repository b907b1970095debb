/** Episodes with one stored MP3 each, inserted directly (no pipeline): for media delivery tests. */
import { newEpisodeGuid, newEpisodeId, newPublicationKey } from '../../src/core/ids.js';
import { mp3RenditionRow } from '../../support/bulk-episodes.js';
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
): Promise<MediaEpisode> {
  const show = await app.antenne.repos.shows.findBySlug(SHOW_INPUT.slug);
  if (!show) throw new Error('create the test show first');
  const id = newEpisodeId();
  const publicationKey = state === 'published' ? newPublicationKey() : null;
  const key = `public/episodes/${id}/mp3-128k-0123456789ab.mp3`;
  await app.antenne.storage.putBytes(key, bytes);
  await app.antenne.db.db
    .insertInto('episodes')
    .values({
      id,
      show_id: show.id,
      guid: newEpisodeGuid(),
      state,
      publication_key: publicationKey,
      title: `Entretien (${state})`,
      summary: '',
      article_url: `https://example.org/${id}`,
      author: 'La rédaction',
      published_at: new Date(),
      categories: '[]',
      image_url: null,
      source: 'Normandie Actu',
      copyright: null,
      language: 'fr',
      interviewees: '[]',
      original_key: `originals/${id}/original.wav`,
      original_name: 'entretien.wav',
      original_bytes: bytes.length,
      duration_seconds: 18,
      failure_reason: null,
    })
    .execute();
  await app.antenne.db.db
    .insertInto('renditions')
    .values(
      mp3RenditionRow({ episodeId: id, storageKey: key, bytes: bytes.length, durationSeconds: 18 }),
    )
    .execute();
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
