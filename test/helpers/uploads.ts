import { createReadStream } from 'node:fs';
import { Transform } from 'node:stream';
import * as tus from 'tus-js-client';
import type { DataStore } from '@tus/server';

/** Bytes each upload's store received, PATCH bodies included whole or cut. */
export interface ReceivedBytes {
  readonly byUpload: Map<string, number>;
  /** A store wrapper for `antenneOptions.wrapUploadStore` that counts them. */
  wrap(store: DataStore): DataStore;
}

export function countReceivedBytes(): ReceivedBytes {
  const byUpload = new Map<string, number>();
  return {
    byUpload,
    wrap: (store) =>
      new Proxy(store, {
        get(target, key, receiver) {
          if (key !== 'write') return Reflect.get(target, key, receiver) as unknown;
          return (readable: NodeJS.ReadableStream, id: string, offset: number) => {
            const counter = new Transform({
              transform(chunk: Buffer, _enc, done) {
                byUpload.set(id, (byUpload.get(id) ?? 0) + chunk.length);
                done(null, chunk);
              },
            });
            // The source's end (a cut connection ends it too) ends the count.
            readable.on('error', (error: Error) => counter.destroy(error));
            readable.pipe(counter);
            return target.write(counter, id, offset);
          };
        },
      }),
  };
}

/** tus-js-client's URL storage, in memory: what a browser keeps in localStorage. */
export function memoryUrlStorage(): tus.UrlStorage {
  const entries = new Map<string, tus.PreviousUpload & { fingerprint: string }>();
  let next = 0;
  return {
    findAllUploads: () => Promise.resolve([...entries.values()]),
    findUploadsByFingerprint: (fp) =>
      Promise.resolve([...entries.values()].filter((e) => e.fingerprint === fp)),
    removeUpload: (key) => {
      entries.delete(key);
      return Promise.resolve();
    },
    addUpload: (fingerprint, upload) => {
      const key = `tus::${fingerprint}::${next++}`;
      entries.set(key, { ...upload, fingerprint, urlStorageKey: key });
      return Promise.resolve(key);
    },
  };
}

/**
 * tus-js-client (Node) sends `file` in one PATCH, aborted once `cutWhen` says so (the
 * test watches what the server received: a client's own count includes what sits in
 * socket buffers and dies with the connection). Then a second client, as after a
 * restart, finds the upload by the file's fingerprint and finishes it. `offsetAfterCut`
 * is what HEAD said between the two, `resumedFrom` where the second client started.
 */
export async function uploadWithCut(options: {
  endpoint: string;
  token: string;
  file: string;
  cutWhen: () => boolean;
}): Promise<{ url: string; offsetAfterCut: number; resumedFrom: number }> {
  const urlStorage = memoryUrlStorage();
  const base = (): tus.UploadOptions => ({
    endpoint: options.endpoint,
    headers: { authorization: `Bearer ${options.token}` },
    metadata: { filename: 'entretien long.wav', filetype: 'audio/wav' },
    retryDelays: [],
    urlStorage,
  });
  const first = await new Promise<tus.Upload>((resolve, reject) => {
    const upload: tus.Upload = new tus.Upload(createReadStream(options.file), {
      ...base(),
      onError: reject,
      onSuccess: () => reject(new Error('finished before the cut')),
    });
    const watch = setInterval(() => {
      if (!options.cutWhen()) return;
      clearInterval(watch);
      void upload.abort().then(() => resolve(upload), reject);
    }, 10);
    upload.start();
  });
  const url = first.url!;
  const head = await fetch(url, {
    method: 'HEAD',
    headers: { 'tus-resumable': '1.0.0', authorization: `Bearer ${options.token}` },
  });
  if (head.status !== 200) throw new Error(`HEAD after the cut: ${head.status}`);
  const offsetAfterCut = Number(head.headers.get('upload-offset'));
  let resumedFrom = -1;
  await new Promise<void>((resolve, reject) => {
    const upload = new tus.Upload(createReadStream(options.file), {
      ...base(),
      onSuccess: () => resolve(),
      onError: reject,
      // Its first report is the offset it starts the PATCH from.
      onProgress: (sent) => {
        if (resumedFrom < 0) resumedFrom = sent;
      },
    });
    void upload.findPreviousUploads().then((previous) => {
      if (previous.length !== 1) return reject(new Error(`${previous.length} previous uploads`));
      upload.resumeFromPreviousUpload(previous[0]!);
      upload.start();
    }, reject);
  });
  return { url, offsetAfterCut, resumedFrom };
}
