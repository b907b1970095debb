import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

/**
 * With no EDITOR_TOKENS configured (the embedded quick start), one token is
 * made on first start and kept in `<dataDir>/editor-token` (mode 600).
 */
export async function loadOrCreateEditorToken(
  dataDir: string,
): Promise<{ token: string; file: string; created: boolean }> {
  const file = path.join(dataDir, 'editor-token');
  try {
    const token = (await fs.readFile(file, 'utf8')).trim();
    if (token.length >= 16) return { token, file, created: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await fs.mkdir(dataDir, { recursive: true });
  const token = randomBytes(24).toString('base64url');
  await fs.writeFile(file, `${token}\n`, { mode: 0o600 });
  return { token, file, created: true };
}
