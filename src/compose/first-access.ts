/**
 * How the first callers get in: the editor API tokens (configured, or generated
 * under DATA_DIR) and the first administrator (from ADMIN_EMAIL/ADMIN_PASSWORD,
 * or a log line saying exactly how to create one).
 */
import type { Config } from '../core/config.js';
import { loadOrCreateEditorToken } from '../core/editor-token.js';
import type { Logger } from '../core/logger.js';
import { MIN_PASSWORD_LENGTH } from '../core/passwords.js';
import type { AccountService } from '../services/accounts.js';

export async function editorTokens(config: Config, logger: Logger): Promise<readonly string[]> {
  if (config.editorTokens) return config.editorTokens;
  const generated = await loadOrCreateEditorToken(config.dataDir);
  logger.info(
    { file: generated.file },
    generated.created ? 'editor token created' : 'editor token loaded',
  );
  return [generated.token];
}

/** The two ways to create the first administrator, as a person would type them. */
export function howToCreateAdministrator(config: Pick<Config, 'databaseUrl'>): string {
  const command =
    `ANTENNE_PASSWORD='<${MIN_PASSWORD_LENGTH}+ characters>' npm run user:create -- ` +
    `--email you@example.org --name "Your Name" --role admin`;
  // PGlite allows one process: the script cannot open the database while the server runs.
  const when = config.databaseUrl ? 'run' : 'stop the server, then run';
  return (
    'No account exists yet, so nobody can sign in to the studio. ' +
    `To create the first administrator, ${when}: ${command} ` +
    `(or start with ADMIN_EMAIL=you@example.org ADMIN_PASSWORD='<${MIN_PASSWORD_LENGTH}+ characters>').`
  );
}

/** Creates the configured first administrator, or says how to create one, when no account exists. */
export async function ensureFirstAdministrator(
  config: Config,
  logger: Logger,
  accounts: AccountService,
): Promise<void> {
  if (await accounts.hasUsers()) return;
  if (config.initialAdmin) {
    try {
      await accounts.createUser({ ...config.initialAdmin, name: 'Administrator', role: 'admin' });
    } catch (error) {
      // Processes started together on a fresh database all try: one creates it, the rest go on.
      if (await accounts.hasUsers()) return;
      throw error;
    }
    logger.info({ email: config.initialAdmin.email }, 'first administrator created');
  } else {
    logger.warn(howToCreateAdministrator(config));
  }
}
