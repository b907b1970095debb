/**
 * The player's and the public page's strings, in the show's language (the mechanism
 * is in ./lang.ts).
 */
import type { Lang } from './lang.js';

const fr = {
  play: 'Lire',
  pause: 'Pause',
  playing: 'Lecture',
  paused: 'En pause',
  ended: 'Terminé',
  seek: 'Position de lecture',
  of: 'sur',
  speed: 'Vitesse de lecture',
  speedNow: 'Vitesse',
  chapters: 'Chapitres',
  chapter: 'Chapitre',
  prevChapter: 'Chapitre précédent',
  nextChapter: 'Chapitre suivant',
  transcript: 'Transcription',
  share: 'Partager ce moment',
  linkLabel: 'Lien vers ce moment',
  copied: 'Lien copié',
  download: 'Télécharger',
  readArticle: 'Lire l’article',
  corrections: 'Rectificatifs',
  clipOf: 'Extrait de',
  by: 'Par',
  with: 'Avec',
  published: 'Publié le',
  embedCode: 'Code d’intégration',
  embedHelp: 'Copiez ce code pour intégrer le lecteur dans une page.',
  noAudio: 'Votre navigateur ne lit pas ce fichier audio :',
  player: 'Lecteur audio',
  elapsed: 'Écoulé',
  duration: 'Durée',
  keys: 'Espace : lecture/pause · ←/→ : 5 s · Alt+←/→ : chapitre · Alt+↑/↓ : vitesse',
} as const;

export type PlayerStrings = { readonly [K in keyof typeof fr]: string };

const en: PlayerStrings = {
  play: 'Play',
  pause: 'Pause',
  playing: 'Playing',
  paused: 'Paused',
  ended: 'Finished',
  seek: 'Playback position',
  of: 'of',
  speed: 'Playback speed',
  speedNow: 'Speed',
  chapters: 'Chapters',
  chapter: 'Chapter',
  prevChapter: 'Previous chapter',
  nextChapter: 'Next chapter',
  transcript: 'Transcript',
  share: 'Share this moment',
  linkLabel: 'Link to this moment',
  copied: 'Link copied',
  download: 'Download',
  readArticle: 'Read the article',
  corrections: 'Corrections',
  clipOf: 'Clip from',
  by: 'By',
  with: 'With',
  published: 'Published',
  embedCode: 'Embed code',
  embedHelp: 'Copy this code to embed the player in a page.',
  noAudio: 'Your browser cannot play this audio file:',
  player: 'Audio player',
  elapsed: 'Elapsed',
  duration: 'Duration',
  keys: 'Space: play/pause · ←/→: 5 s · Alt+←/→: chapter · Alt+↑/↓: speed',
};

export const PLAYER_STRINGS: Readonly<Record<Lang, PlayerStrings>> = { fr, en };

/** The few strings the script needs (the rest is in the markup). */
export const CLIENT_KEYS = [
  'play',
  'pause',
  'playing',
  'paused',
  'ended',
  'of',
  'speedNow',
  'chapter',
  'copied',
] as const;

export const SPEEDS = [0.75, 1, 1.25, 1.5, 1.75, 2] as const;

export function speedLabel(speed: number, lang: Lang): string {
  const n = String(speed);
  return `${lang === 'fr' ? n.replace('.', ',') : n}×`;
}
