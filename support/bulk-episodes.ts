/** Many published episodes with an MP3 rendition row each, inserted in bulk (the feed benchmark and the feed scale tests). */
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

/** The renditions row of an episode's stored 128 kbps stereo MP3, as the worker would record it. */
export function mp3RenditionRow(
  episodeId: string,
  file: { bytes: number; durationSeconds: number; storageKey: string },
) {
  return {
    id: newRenditionId(),
    episode_id: episodeId,
    profile: 'mp3-128k',
    mime_type: 'audio/mpeg',
    codec: 'mp3',
    bitrate_kbps: 128,
    sample_rate: 44100,
    channels: 2,
    bytes: file.bytes,
    duration_seconds: file.durationSeconds,
    storage_key: file.storageKey,
    sha256: 'a'.repeat(64),
  };
}

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
          mp3RenditionRow(e.id, {
            bytes: 19_752_960,
            durationSeconds: 1234.5,
            storageKey: `public/episodes/${e.id}/mp3-128k-0123456789ab.mp3`,
          }),
        ),
      )
      .execute();
  }
}
