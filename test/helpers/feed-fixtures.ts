/** Plain domain objects for the pure feed tests (no database). */
import type { Episode, Rendition, Show } from '../../src/core/domain.js';

export const NOW = new Date('2026-03-01T10:00:00Z');

export function makeShow(overrides: Partial<Show> = {}): Show {
  return {
    id: 'show1',
    slug: 'normandie-numerique',
    title: 'Normandie Numérique « l’émission »',
    description: 'Les entretiens « numériques » de la rédaction, à écouter partout.',
    language: 'fr',
    author: 'La rédaction',
    owner: { name: 'Rédaction Normandie', email: 'podcast@example.org' },
    imageUrl: null,
    category: 'News',
    subcategory: 'Politics',
    explicit: false,
    type: 'episodic',
    siteUrl: 'https://example.org/',
    copyright: '© 2018 Normandie Actu',
    podcastGuid: '917393e3-1b1e-5cef-ace4-edaa54e1f810',
    createdAt: NOW,
    updatedAt: NOW,
    artworkKey: 'public/shows/show1/artwork-abc.png',
    medium: 'podcast',
    locked: true,
    txt: 'vérification « ok »',
    ...overrides,
  };
}

let counter = 0;

/** Every fixture episode is published under this key. */
export const FIXTURE_PUBLICATION_KEY = 'fixturepublicationkey0';

export function makeEpisode(
  overrides: Partial<Episode> & { title?: string; summary?: string } = {},
): Episode {
  counter++;
  const { title, summary, ...rest } = overrides;
  return {
    id: `ep${counter}`,
    showId: 'show1',
    guid: `6f1c3a52-0000-4000-8000-${String(counter).padStart(12, '0')}`,
    state: 'published',
    publicationKey: FIXTURE_PUBLICATION_KEY,
    progress: 100,
    failureReason: null,
    processingRevision: 0,
    peaksKey: null,
    article: {
      url: `https://example.org/2018/05/31/article-${counter}?a=1&b=2`,
      title: title ?? `Entretien n° ${counter} : « l’État » & le numérique`,
      summary:
        summary ??
        '<p>Entretien avec la secrétaire d’État chargée du <strong>numérique</strong>, à Caen.</p>',
      author: 'Marie Lefèvre',
      publishedAt: new Date(Date.UTC(2018, 4, 31, 7, 30) - counter * 60_000),
      categories: ['Événements', 'Numérique'],
      imageUrl: 'https://example.org/images/article.jpg',
      source: 'Normandie Actu',
      copyright: null,
      language: 'fr',
    },
    interviewees: [{ name: 'Mounir Mahjoubi', role: 'secrétaire d’État' }, { name: 'Hervé Morin' }],
    original: { key: 'originals/x/original.wav', name: 'x.wav', bytes: 1000 },
    durationSeconds: 61.4,
    createdAt: NOW,
    updatedAt: NOW,
    feed: {
      scheduledAt: null,
      episodeType: 'full',
      season: 2,
      episodeNumber: counter,
      explicit: null,
      location: { name: 'Caen, Normandie', geo: 'geo:49.18,-0.37', osm: 'R7444' },
      transcript: { key: `public/episodes/ep${counter}/transcript-abc.vtt`, type: 'text/vtt' },
      chaptersKey: `public/episodes/ep${counter}/chapters-abc.chapters.json`,
    },
    ...rest,
  };
}

export function makeRendition(
  episodeId: string,
  profile: string,
  overrides: Partial<Rendition> = {},
): Rendition {
  const aac = profile.startsWith('aac');
  return {
    id: `${episodeId}-${profile}`,
    episodeId,
    profile,
    mimeType: aac ? 'audio/mp4' : profile.startsWith('opus') ? 'audio/ogg' : 'audio/mpeg',
    codec: aac ? 'aac' : profile.startsWith('opus') ? 'opus' : 'mp3',
    bitrateKbps: aac ? 64 : 128,
    sampleRate: 44100,
    channels: 2,
    bytes: aac ? 491_520 : 982_345,
    durationSeconds: 61.4,
    storageKey: `public/episodes/${episodeId}/${profile}-0123456789ab.${aac ? 'm4a' : profile.startsWith('opus') ? 'ogg' : 'mp3'}`,
    sha256: 'a'.repeat(64),
    createdAt: NOW,
    ...overrides,
  };
}
