/**
 * How the first callers get in: the editor API tokens (configured, or generated
 * under DATA_DIR) and the first administrator (from ADMIN_EMAIL/ADMIN_PASSWORD).
 */
import type { Config } from '../core/config.js';
import { loadOrCreateEditorToken } from '../core/editor-token.js';
import type { Logger } from '../core/logger.js';
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

/** Creates the configured first administrator when no account exists. */
export async function ensureFirstAdministrator(
  config: Config,
  logger: Logger,
  accounts: AccountService,
): Promise<void> {
  if (config.initialAdmin && !(await accounts.hasUsers())) {
    await accounts.createUser({ ...config.initialAdmin, name: 'Administrator', role: 'admin' });
    logger.info({ email: config.initialAdmin.email }, 'first administrator created');
  }
}
