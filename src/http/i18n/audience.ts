/**
 * The studio's audience section in French and English: its strings, and the names
 * of the apps and platforms the counting recognises (ids from the classification of
 * user agents; an id not listed here is shown as it is).
 */
import type { AudienceApp, AudiencePlatform } from '../../core/audience-apps.js';
import type { Lang } from './lang.js';

const en = {
  audience: 'Audience',
  rangeLegend: 'Period',
  from: 'From',
  to: 'To',
  showRange: 'Show',
  badRange:
    'These dates cannot be shown: choose a start on or before the end, at most 366 days apart. Here are the last 30 days.',
  downloads: 'Downloads',
  started: 'Plays started',
  heard30s: 'Heard 30 s',
  completed: 'Heard to the end',
  day: 'Day',
  app: 'App',
  platform: 'Platform',
  episode: 'Episode',
  article: 'Article',
  totals: 'Total over the period',
  chartTitle: 'Downloads per day, {from} to {to}',
  chartDesc: '{total} downloads over {days} days; the busiest day, {day}, had {max}.',
  chartDescEmpty: 'No download over these {days} days.',
  barLabel: '{day}: {n} downloads',
  perDay: 'Per day',
  perApp: 'Per app',
  perPlatform: 'Per platform',
  topEpisodes: 'Most downloaded episodes',
  noDownloads: 'No download over this period.',
  noEpisodes: 'No episode was downloaded or played over this period.',
  export: 'Export (CSV, for spreadsheets):',
  csvDays: 'per day',
  csvApps: 'per app',
  csvPlatforms: 'per platform',
  csvArticles: 'per article',
  howCounted:
    'Downloads follow the IAB podcast measurement rules (at least one minute of audio, one per listener and episode in 24 hours, bots excluded). Plays come from the embedded player. Days are UTC days.',
} as const;

export type AudienceStrings = { readonly [K in keyof typeof en]: string };

const fr: AudienceStrings = {
  audience: 'Audience',
  rangeLegend: 'Période',
  from: 'Du',
  to: 'Au',
  showRange: 'Afficher',
  badRange:
    'Ces dates ne peuvent pas être affichées : choisissez un début au plus tard à la fin, 366 jours d’écart au plus. Voici les 30 derniers jours.',
  downloads: 'Téléchargements',
  started: 'Écoutes lancées',
  heard30s: 'Écoutées 30 s',
  completed: 'Écoutées jusqu’au bout',
  day: 'Jour',
  app: 'Application',
  platform: 'Plateforme',
  episode: 'Épisode',
  article: 'Article',
  totals: 'Total sur la période',
  chartTitle: 'Téléchargements par jour, du {from} au {to}',
  chartDesc:
    '{total} téléchargements sur {days} jours ; le jour le plus suivi, le {day}, en a compté {max}.',
  chartDescEmpty: 'Aucun téléchargement sur ces {days} jours.',
  barLabel: '{day} : {n} téléchargements',
  perDay: 'Par jour',
  perApp: 'Par application',
  perPlatform: 'Par plateforme',
  topEpisodes: 'Épisodes les plus téléchargés',
  noDownloads: 'Aucun téléchargement sur cette période.',
  noEpisodes: 'Aucun épisode n’a été téléchargé ni écouté sur cette période.',
  export: 'Exporter (CSV, pour tableur) :',
  csvDays: 'par jour',
  csvApps: 'par application',
  csvPlatforms: 'par plateforme',
  csvArticles: 'par article',
  howCounted:
    'Les téléchargements suivent les règles de mesure IAB des podcasts (au moins une minute d’audio, un par auditeur et par épisode en 24 heures, robots exclus). Les écoutes viennent du lecteur intégré. Les jours sont en temps universel (UTC).',
};

export const AUDIENCE_STRINGS: Readonly<Record<Lang, AudienceStrings>> = { en, fr };

/** Typed by the classifier's ids: an app it learns to recognise cannot go unnamed. */
const APPS: Readonly<Record<Lang, Readonly<Record<AudienceApp, string>>>> = {
  en: {
    'apple-podcasts': 'Apple Podcasts',
    spotify: 'Spotify',
    'pocket-casts': 'Pocket Casts',
    overcast: 'Overcast',
    antennapod: 'AntennaPod',
    'podcast-addict': 'Podcast Addict',
    castro: 'Castro',
    gpodder: 'gPodder',
    'antenne-player': 'Antenne player',
    browser: 'Web browser',
    other: 'Other',
  },
  fr: {
    'apple-podcasts': 'Apple Podcasts',
    spotify: 'Spotify',
    'pocket-casts': 'Pocket Casts',
    overcast: 'Overcast',
    antennapod: 'AntennaPod',
    'podcast-addict': 'Podcast Addict',
    castro: 'Castro',
    gpodder: 'gPodder',
    'antenne-player': 'Lecteur Antenne',
    browser: 'Navigateur',
    other: 'Autre',
  },
};

const PLATFORMS: Readonly<Record<Lang, Readonly<Record<AudiencePlatform, string>>>> = {
  en: {
    ios: 'iOS',
    android: 'Android',
    macos: 'macOS',
    windows: 'Windows',
    linux: 'Linux',
    web: 'Web',
    other: 'Other',
  },
  fr: {
    ios: 'iOS',
    android: 'Android',
    macos: 'macOS',
    windows: 'Windows',
    linux: 'Linux',
    web: 'Web',
    other: 'Autre',
  },
};

/** An app's name in the editor's language (its id when unknown). */
export const appName = (lang: Lang, app: string): string =>
  (APPS[lang] as Readonly<Record<string, string>>)[app] ?? app;
export const platformName = (lang: Lang, platform: string): string =>
  (PLATFORMS[lang] as Readonly<Record<string, string>>)[platform] ?? platform;

/** The platform ids named here (the test holds them to the classifier's list). */
export const NAMED_PLATFORMS = Object.keys(PLATFORMS.en);
