/**
 * One published episode holding a given audio file, made the way the media benches
 * need it: the show through the API, the episode and its MP3 row without the pipeline.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Db } from '../src/db/connect.js';
import { newPublicationKey } from '../src/core/ids.js';
import { defaultMediaBase, publishedMediaUrl } from '../src/http/media-urls.js';
import type { BlobStorage } from '../src/storage/blob-storage.js';
import { insertEpisodeWithMp3 } from './bulk-episodes.js';

export async function publishFile(
  /** A running Antenne's database and storage (benches may not import the composition root here). */
  antenne: { readonly db: { readonly db: Db }; readonly storage: BlobStorage },
  options: {
    /** The running Antenne's origin (http://127.0.0.1:<port>). */
    base: string;
    token: string;
    /** The MP3 to publish: copied first, since putFile moves the file in. */
    file: string;
    bytes: number;
    durationSeconds: number;
    /** A folder for the copy. */
    dir: string;
  },
): Promise<{ url: string; key: string }> {
  const created = await fetch(`${options.base}/api/shows`, {
    method: 'POST',
    headers: { authorization: `Bearer ${options.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      slug: 'banc-d-essai',
      title: 'Banc d’essai',
      description: 'Mesure du service des fichiers.',
      language: 'fr',
      author: 'La rédaction',
      owner: { name: 'La rédaction', email: 'podcast@example.org' },
      category: 'News',
      siteUrl: 'https://example.org/',
    }),
  });
  if (created.status !== 201) throw new Error(`show: ${created.status} ${await created.text()}`);
  const show = (await created.json()) as { id: string };
  const publicationKey = newPublicationKey();
  const { key } = await insertEpisodeWithMp3(antenne.db.db, {
    showId: show.id,
    state: 'published',
    publicationKey,
    title: 'Entretien',
    bytes: options.bytes,
    durationSeconds: options.durationSeconds,
  });
  const copy = path.join(options.dir, `${path.basename(options.file)}-${publicationKey}`);
  await fs.copyFile(options.file, copy);
  await antenne.storage.putFile(key, copy);
  return { url: publishedMediaUrl(defaultMediaBase(options.base), publicationKey, key), key };
}
