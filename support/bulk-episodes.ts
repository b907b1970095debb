/** Many published episodes with an MP3 rendition row each, inserted in bulk (feed scale tests and bench). */
import type { Db } from '../src/db/connect.js';
import {
  newEpisodeGuid,
  newEpisodeId,
  newRenditionId,
  newPublicationKey,
} from '../src/core/ids.js';

const SUMMARY =
  '<p>Entretien avec la secrétaire d’État chargée du numérique, à Caen : « la Normandie doit être chef de file ». ' +
  'Les entreprises &amp; les collectivités de la région répondent à nos questions sur la fibre, les données et l’emploi.</p>';

export async function addEpisodes(db: Db, showId: string, from: number, count: number) {
  for (let start = from; start < from + count; start += 500) {
    const n = Math.min(500, from + count - start);
    const episodes = Array.from({ length: n }, (_, i) => {
      const k = start + i;
      return {
        id: newEpisodeId(),
        show_id: showId,
        guid: newEpisodeGuid(),
        state: 'published' as const,
        publication_key: newPublicationKey(),
        title: `Entretien n° ${k} : « le numérique en Normandie » & l’État`,
        summary: SUMMARY,
        article_url: `https://example.org/2018/05/31/entretien-${k}`,
        author: 'Marie Lefèvre',
        published_at: new Date(Date.UTC(2018, 0, 1) + k * 3_600_000),
        categories: JSON.stringify(['Événements', k % 2 ? 'Numérique' : 'Économie']),
        image_url: null,
        source: 'Normandie Actu',
        copyright: null,
        language: 'fr',
        interviewees: JSON.stringify([{ name: 'Mounir Mahjoubi' }]),
        original_key: `originals/x${k}/original.wav`,
        original_name: 'entretien.wav',
        original_bytes: 10_000_000,
        duration_seconds: 1234.5,
        failure_reason: null,
      };
    });
    await db.insertInto('episodes').values(episodes).execute();
    await db
      .insertInto('renditions')
      .values(
        episodes.map((e) =>
          mp3RenditionRow({
            episodeId: e.id,
            storageKey: `public/episodes/${e.id}/mp3-128k-0123456789ab.mp3`,
            bytes: 19_752_960,
            durationSeconds: 1234.5,
          }),
        ),
      )
      .execute();
  }
}

/** An MP3 128 kbit/s rendition's row, as the pipeline would record it, to insert without the pipeline. */
export function mp3RenditionRow(r: {
  episodeId: string;
  storageKey: string;
  bytes: number;
  durationSeconds: number;
}) {
  return {
    id: newRenditionId(),
    episode_id: r.episodeId,
    profile: 'mp3-128k',
    mime_type: 'audio/mpeg',
    codec: 'mp3',
    bitrate_kbps: 128,
    sample_rate: 44100,
    channels: 2,
    bytes: r.bytes,
    duration_seconds: r.durationSeconds,
    storage_key: r.storageKey,
    sha256: 'a'.repeat(64),
  };
}

/**
 * One episode of `showId` with one MP3 rendition row (no pipeline): the file itself is the
 * caller's to store under the returned key. For media-serving tests and benches.
 */
export async function insertEpisodeWithMp3(
  db: Db,
  episode: {
    showId: string;
    state: 'published' | 'ready';
    publicationKey: string | null;
    title: string;
    bytes: number;
    durationSeconds: number;
  },
): Promise<{ id: string; key: string }> {
  const id = newEpisodeId();
  const key = `public/episodes/${id}/mp3-128k-0123456789ab.mp3`;
  await db
    .insertInto('episodes')
    .values({
      id,
      show_id: episode.showId,
      guid: newEpisodeGuid(),
      state: episode.state,
      publication_key: episode.publicationKey,
      title: episode.title,
      summary: '',
      article_url: `https://example.org/2018/05/31/${id}`,
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
      original_bytes: episode.bytes,
      duration_seconds: episode.durationSeconds,
      failure_reason: null,
    })
    .execute();
  await db
    .insertInto('renditions')
    .values(
      mp3RenditionRow({
        episodeId: id,
        storageKey: key,
        bytes: episode.bytes,
        durationSeconds: episode.durationSeconds,
      }),
    )
    .execute();
  return { id, key };
}
