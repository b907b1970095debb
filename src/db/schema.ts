import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { ClipState } from '../core/clips.js';
import type { EpisodeState } from '../core/episode-state.js';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type UpdatedAt = ColumnType<Date, Date | string | undefined, Date | string>;
/** int8 comes back as a string from pg and as a bigint or number from PGlite: repositories normalise. */
type BigIntColumn = ColumnType<string | number | bigint, number, number>;
type Json<T> = ColumnType<T, string, string>;

export interface ShowsTable {
  id: string;
  slug: string;
  title: string;
  description: string;
  language: string;
  author: string;
  owner_name: string;
  owner_email: string;
  image_url: string | null;
  category: string;
  subcategory: string | null;
  explicit: boolean;
  show_type: 'episodic' | 'serial';
  site_url: string;
  copyright: string | null;
  podcast_guid: string;
  /** Audio settings (migration 0004); null = the defaults. */
  loudness_target_lufs: ColumnType<number | null, number | null | undefined, number | null>;
  true_peak_dbtp: ColumnType<number | null, number | null | undefined, number | null>;
  rendition_profiles: ColumnType<string[] | null, string | null | undefined, string | null>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
  // 0003-feeds
  artwork_key: Generated<string | null>;
  medium: Generated<string>;
  locked: Generated<boolean>;
  txt: Generated<string | null>;
  /** 0015: the show's feed on another host, announced with itunes:new-feed-url; null: none. */
  new_feed_url: Generated<string | null>;
  /** QualitySettingsInput (0013): only what differs from the defaults; null = the defaults. */
  quality_settings: ColumnType<unknown, string | null | undefined, string | null>;
}

export interface Interviewee {
  name: string;
  role?: string | undefined;
}

export interface EpisodesTable {
  id: string;
  show_id: string;
  guid: string;
  state: EpisodeState;
  progress: Generated<number>;
  failure_reason: string | null;
  /** Bumped by every (re)processing request; part of the job id. */
  processing_revision: Generated<number>;
  title: string;
  summary: string;
  article_url: string;
  author: string | null;
  published_at: ColumnType<Date, Date | string, Date | string>;
  categories: Json<string[]>;
  image_url: string | null;
  source: string | null;
  copyright: string | null;
  language: string | null;
  interviewees: Json<Interviewee[]>;
  original_key: string;
  original_name: string;
  original_bytes: BigIntColumn;
  duration_seconds: number | null;
  peaks_key: ColumnType<string | null, string | null | undefined, string | null>;
  /** The player's light peaks (migration 0012); null until made. */
  player_peaks_key: ColumnType<string | null, string | null | undefined, string | null>;
  /** Podcasting 2.0 JSON chapters as given by the editor (migration 0004). */
  chapters: ColumnType<unknown, string | null | undefined, string | null>;
  /** LoudnessReport of the last processing. */
  loudness: ColumnType<unknown, string | null | undefined, string | null>;
  /** ProcessingOptions of the last (re)processing request. */
  processing_options: ColumnType<unknown, string | null | undefined, string | null>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
  // 0003-feeds
  scheduled_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  episode_type: Generated<'full' | 'trailer' | 'bonus'>;
  season: Generated<number | null>;
  episode_number: Generated<number | null>;
  explicit: Generated<boolean | null>;
  location: ColumnType<EpisodeLocationRow | null, string | null | undefined, string | null>;
  transcript_key: Generated<string | null>;
  transcript_type: Generated<string | null>;
  chapters_key: Generated<string | null>;
  // 0007-publication-keys: set on each publication, cleared when it ends.
  publication_key: Generated<string | null>;
  // 0014-episode-versions: JSON list of the public correction notes ({at, note}).
  correction_notes: ColumnType<string | null, string | null | undefined, string | null>;
  // 0013-quality-reports
  /** AudioAnalysis of the last processing; null before it (or before 0013). */
  audio_analysis: ColumnType<unknown, string | null | undefined, string | null>;
  /** QualityOverride[]: every publication made despite blocking findings. */
  quality_overrides: ColumnType<unknown, string | null | undefined, string | null>;
}

export interface EpisodeLocationRow {
  name: string;
  geo?: string | undefined;
  osm?: string | undefined;
}

export interface TopicFeedsTable {
  id: string;
  show_id: string;
  slug: string;
  title: string;
  category: string;
  description: string | null;
  podcast_guid: string;
  created_at: CreatedAt;
}

export interface FeedRendersTable {
  feed_key: string;
  show_id: string;
  etag: string;
  last_modified: ColumnType<Date, Date, Date>;
  source_time: ColumnType<Date, Date, Date>;
  item_count: number;
  /** Blob storage key prefix of the bytes: + .xml, .xml.gz, .xml.br. */
  storage_key: string;
}

/** Rebuild revisions and the render lease of a show's feeds (0008). */
export interface FeedBuildsTable {
  show_id: string;
  /** bigint columns come back as strings from pg: read with Number(). */
  requested: ColumnType<string | number, number | undefined, number>;
  built: ColumnType<string | number, number | undefined, number>;
  lease_owner: string | null;
  lease_until: ColumnType<Date | null, Date | null | undefined, Date | null>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

/** An episode's feed item as last rendered, under the key of its inputs (0010). */
export interface FeedItemFragmentsTable {
  episode_id: string;
  fragment_key: string;
  /** null: no MP3 rendition, so not in the feed. */
  body: string | null;
  /** JSON array of the article's categories (topic feeds). */
  categories: string;
  rendered_at: ColumnType<Date, Date | undefined, Date>;
}

export interface RenditionsTable {
  id: string;
  episode_id: string;
  profile: string;
  mime_type: string;
  codec: string;
  bitrate_kbps: number;
  sample_rate: number;
  channels: number;
  bytes: BigIntColumn;
  duration_seconds: number;
  storage_key: string;
  sha256: string;
  created_at: CreatedAt;
}

export type Role = 'admin' | 'editor';

export interface UsersTable {
  id: string;
  email: string;
  name: string;
  password_hash: string;
  role: Role;
  created_at: CreatedAt;
  disabled_at: Date | null;
}

export interface SessionsTable {
  /** sha256 of the cookie value: a database leak gives no usable session. */
  id_hash: string;
  user_id: string;
  csrf_token: string;
  created_at: CreatedAt;
  expires_at: ColumnType<Date, Date, Date>;
}

export interface ApiTokensTable {
  id: string;
  name: string;
  token_hash: string;
  /** The first characters, to recognise a token in a list without storing it. */
  prefix: string;
  role: 'editor';
  created_by: string | null;
  created_at: CreatedAt;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

export interface ClipsTable {
  id: string;
  episode_id: string;
  title: string;
  start_seconds: number;
  end_seconds: number;
  state: ColumnType<ClipState, ClipState | undefined, ClipState>;
  failure_reason: string | null;
  storage_key: string | null;
  bytes: ColumnType<string | number | bigint | null, number | null, number | null>;
  duration_seconds: number | null;
  peaks_key: string | null;
  /** The player's light peaks (migration 0012); null until made. */
  player_peaks_key: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

/** One version of an episode's audio (0014): the first, then one per correction. */
export interface EpisodeVersionsTable {
  id: string;
  episode_id: string;
  number: number;
  kind: 'original' | 'cut' | 'replacement';
  state: 'processing' | 'live' | 'superseded' | 'failed';
  reason: string | null;
  note: string | null;
  /** JSON list of {start, end} in seconds. */
  cuts: string | null;
  source_key: string | null;
  source_name: string | null;
  created_by_id: string | null;
  created_by_name: string | null;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
  completed_at: Date | null;
  duration_seconds: number | null;
  /** JSON LoudnessReport. */
  loudness: string | null;
  enclosure_key: string | null;
  failure_reason: string | null;
}

export interface PlayerSettingsTable {
  show_id: string;
  allow_download: boolean;
  updated_at: UpdatedAt;
}

export interface Database {
  shows: ShowsTable;
  episodes: EpisodesTable;
  renditions: RenditionsTable;
  users: UsersTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  clips: ClipsTable;
  player_settings: PlayerSettingsTable;
  topic_feeds: TopicFeedsTable;
  feed_renders: FeedRendersTable;
  feed_builds: FeedBuildsTable;
  feed_item_fragments: FeedItemFragmentsTable;
  server_secrets: ServerSecretsTable;
  audience_downloads: AudienceDownloadsTable;
  audience_listens: AudienceListensTable;
  uploads: UploadsTable;
  audience_cursor: AudienceCursorTable;
  show_feed_moves: ShowFeedMovesTable;
  episode_versions: EpisodeVersionsTable;
}

/** A former slug of a show (0015): its feed URL answers 301 to the show's current one. */
export interface ShowFeedMovesTable {
  old_slug: string;
  show_id: string;
  moved_at: ColumnType<Date, Date | undefined, never>;
}

/** A resumable (tus) upload (0011): its owner, expiry, and the episode it became. */
export interface UploadsTable {
  /** The id in the upload's URL (/api/uploads/<id>). */
  id: string;
  /** `user:<id>` for a studio session, `token:<id>` for an API token. */
  owner: string;
  bytes: BigIntColumn;
  file_name: string;
  created_at: ColumnType<Date, Date, never>;
  expires_at: ColumnType<Date, Date, Date>;
  consumed_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  episode_id: ColumnType<string | null, string | null | undefined, string | null>;
}

/** A day's IAB downloads of an episode by one app on one platform (0009; days in UTC). */
export interface AudienceDownloadsTable {
  /** Read it as text (`sql<string>\`day::text\``): pg and PGlite turn a date into a local-time Date. */
  day: ColumnType<unknown, string, never>;
  episode_id: string;
  show_id: string;
  /** An app id of src/core/audience-apps (e.g. `apple-podcasts`, `antenne-player`, `other`). */
  app: string;
  /** `ios`, `android`, `macos`, `windows`, `linux`, `web`, `other`. */
  platform: string;
  downloads: number;
}

/** A day's player listens of an episode at one milestone (0009; days in UTC). */
export interface AudienceListensTable {
  /** Read it as text, as above. */
  day: ColumnType<unknown, string, never>;
  episode_id: string;
  show_id: string;
  milestone: 'started' | 'heard-30s' | 'completed';
  listens: number;
}

/** Where the audience aggregation has read Redis's event stream up to (0009). */
export interface AudienceCursorTable {
  stream: string;
  /** A Redis stream id (`<ms>-<seq>`); '0-0' before the first batch. */
  last_id: string;
}

/** Secrets every process shares (0007), e.g. the key that signs private media URLs. */
export interface ServerSecretsTable {
  name: string;
  value: string;
  created_at: CreatedAt;
}

export type ShowRow = Selectable<ShowsTable>;
export type NewShowRow = Insertable<ShowsTable>;
export type EpisodeRow = Selectable<EpisodesTable>;
export type NewEpisodeRow = Insertable<EpisodesTable>;
export type EpisodeUpdate = Updateable<EpisodesTable>;
export type RenditionRow = Selectable<RenditionsTable>;
export type NewRenditionRow = Insertable<RenditionsTable>;
