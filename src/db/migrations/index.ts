import type { Migration, MigrationProvider } from 'kysely/migration';
import * as m0001 from './0001-initial.js';
import * as m0002 from './0002-peaks.js';
import * as m0003 from './0003-feeds.js';
import * as m0004 from './0004-audio.js';
import * as m0005 from './0005-clips.js';
import * as m0006 from './0006-accounts.js';
import * as m0007 from './0007-publication-keys.js';
import * as m0008 from './0008-feed-builds.js';
import * as m0009 from './0009-audience.js';
import * as m0010 from './0010-feed-item-fragments.js';
import * as m0011 from './0011-uploads.js';
import * as m0012 from './0012-player-peaks.js';
import * as m0013 from './0013-quality-reports.js';
import * as m0014 from './0014-episode-versions.js';
import * as m0015 from './0015-feed-moves.js';

/**
 * The one ordered set of migrations, for PGlite and PostgreSQL alike. Listed in
 * code (not read from a folder) so the build and tsx run the same list.
 */
const MIGRATIONS: Record<string, Migration> = {
  '0001-initial': m0001,
  '0002-peaks': m0002,
  '0003-feeds': m0003,
  '0004-audio': m0004,
  '0005-clips': m0005,
  '0006-accounts': m0006,
  '0007-publication-keys': m0007,
  '0008-feed-builds': m0008,
  '0009-audience': m0009,
  '0010-feed-item-fragments': m0010,
  '0011-uploads': m0011,
  '0012-player-peaks': m0012,
  '0013-quality-reports': m0013,
  '0014-episode-versions': m0014,
  '0015-feed-moves': m0015,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: () => Promise.resolve(MIGRATIONS),
};
