import { randomBytes } from 'node:crypto';
import type { Db } from '../connect.js';

/**
 * A secret shared by every API and worker process, made once by whichever
 * process starts first (no configuration needed, nothing to keep in sync).
 */
export async function serverSecret(db: Db, name: string): Promise<Buffer> {
  await db
    .insertInto('server_secrets')
    .values({ name, value: randomBytes(32).toString('base64url') })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const row = await db
    .selectFrom('server_secrets')
    .select('value')
    .where('name', '=', name)
    .executeTakeFirstOrThrow();
  return Buffer.from(row.value, 'base64url');
}
