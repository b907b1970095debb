import { Transform } from 'node:stream';
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
