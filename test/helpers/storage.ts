import type { BlobStorage } from '../../src/storage/blob-storage.js';

/** Names of the files stored in a folder (through the storage, whatever it is). */
export async function storedNames(storage: BlobStorage, folder: string): Promise<string[]> {
  return (await storage.list(folder)).map((key) => key.slice(folder.length + 1));
}
