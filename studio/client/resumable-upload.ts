/**
 * The recording goes up with tus (tus-js-client to /api/uploads): a cut connection
 * costs only what was in flight. The upload retries by itself with growing delays,
 * restarts at once when the browser says it is back online, and is found again by
 * the file's fingerprint (localStorage) after a reload, from where the server stopped.
 */
import * as tus from 'tus-js-client';

export interface UploadEvents {
  onProgress(sent: number, total: number): void;
  /** The connection dropped: the upload waits and retries by itself. */
  onStalled(): void;
  /** Bytes flow again after a stall. */
  onFlowing(): void;
}

export interface ResumableUpload {
  /** The upload's id once every byte is on the server (to create the episode with). */
  readonly done: Promise<string>;
  pause(): void;
  resume(): void;
}

/** Up to about 20 minutes of retries: a train through tunnels, a press room's Wi-Fi. */
const RETRY_DELAYS = [0, 1000, 2000, 4000, 8000, 15_000, ...Array<number>(40).fill(30_000)];

const CHUNK_BYTES = 8 * 1024 * 1024;

/** Network errors, server errors, a lock or offset conflict: retry; other 4xx are final. */
function worthRetrying(err: tus.DetailedError): boolean {
  const status = err.originalResponse?.getStatus() ?? 0;
  // Unlike tus-js-client's default, retry even while the browser says it is offline:
  // the delays pass, and coming back online restarts at once.
  return status === 0 || status >= 500 || status === 409 || status === 423 || status === 408;
}

export function startResumableUpload(
  file: File,
  options: { endpoint: string; csrf: string } & UploadEvents,
): ResumableUpload {
  let stalled = false;
  let paused = false;
  let upload: tus.Upload;
  const done = new Promise<string>((resolve, reject) => {
    upload = new tus.Upload(file, {
      endpoint: options.endpoint,
      headers: { 'x-csrf-token': options.csrf },
      metadata: { filename: file.name, filetype: file.type || 'application/octet-stream' },
      retryDelays: RETRY_DELAYS,
      // PATCHes of 8 MB: a proxy's body limit (nginx client_max_body_size) never refuses
      // one, and a connection that goes away between two requests loses nothing.
      chunkSize: CHUNK_BYTES,
      // Called before each retry: the connection was lost, or the server stumbled.
      onShouldRetry: (err) => {
        const retry = worthRetrying(err);
        if (retry && !stalled) {
          stalled = true;
          options.onStalled();
        }
        return retry;
      },
      removeFingerprintOnSuccess: true,
      onProgress: (sent, total) => {
        if (stalled) {
          stalled = false;
          options.onFlowing();
        }
        options.onProgress(sent, total);
      },
      onError: (error) => reject(error),
      onSuccess: () => resolve(upload.url!.split('/').pop()!),
    });
    void upload.findPreviousUploads().then(
      (previousUploads) => {
        // The same file (name, type, size, date) started before this page: go on with it.
        const last = previousUploads.sort((a, b) =>
          b.creationTime.localeCompare(a.creationTime),
        )[0];
        if (last) upload.resumeFromPreviousUpload(last);
        upload.start();
      },
      () => upload.start(),
    );
  });

  // Back online: no need to wait for the rest of the retry delay.
  const online = () => {
    if (!stalled || paused) return;
    void upload.abort().then(() => upload.start());
  };
  window.addEventListener('online', online);
  const cleanUp = () => window.removeEventListener('online', online);
  done.then(cleanUp, cleanUp);

  return {
    done,
    pause() {
      paused = true;
      void upload.abort();
    },
    resume() {
      paused = false;
      upload.start();
    },
  };
}
