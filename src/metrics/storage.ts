/**
 * Counts failed storage operations without the storage knowing: a wrapper with
 * the same interface. A failure of the caller's own callback (withLocalCopy's
 * `fn`, e.g. ffmpeg) is the caller's, not the storage's, and is not counted.
 */
import { StorageNotFound } from '../storage/blob-storage.js';
import { recordStorageError } from './registry.js';

type Callback = (...args: unknown[]) => unknown;

export function countStorageErrors<T extends object>(storage: T): T {
  return new Proxy(storage, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      return (...args: unknown[]) => {
        let callbackFailed = false;
        const wrapped = args.map((arg) =>
          typeof arg === 'function'
            ? async (...inner: unknown[]) => {
                try {
                  return await (arg as Callback)(...inner);
                } catch (error) {
                  callbackFailed = true;
                  throw error;
                }
              }
            : arg,
        );
        const result: unknown = (value as Callback).apply(target, wrapped);
        if (!(result instanceof Promise)) return result;
        return result.catch((error: unknown) => {
          // A missing key is an answer (a 404), not a failure of the storage.
          if (!callbackFailed && !(error instanceof StorageNotFound)) recordStorageError(property);
          throw error;
        });
      };
    },
  });
}
