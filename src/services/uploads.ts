/**
 * Resumable uploads (tus) as use cases: who owns one, how long it may stay silent,
 * and the episode it becomes, once. The tus protocol itself is @tus/server's, in
 * src/http/routes/uploads.ts; the bytes are in the upload store (src/storage).
 */
import type { Episode } from '../core/domain.js';
import { AppError, notFound } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { EpisodeMetadata } from '../core/schemas.js';
import type { UploadRecord, UploadsRepository } from '../db/repositories/uploads.repo.js';
import type { UploadStore } from '../storage/upload-store.js';
import type { EpisodeService } from './episodes.js';

export interface UploadServiceDeps {
  readonly uploads: UploadsRepository;
  readonly store: UploadStore;
  readonly episodes: EpisodeService;
  readonly logger: Logger;
  /** How long an upload may receive nothing before it is removed. */
  readonly expiryMs: number;
  readonly now?: () => Date;
}

/** A caller as uploads know it: `user:<id>` (studio session) or `token:<id>` (API token). */
export type UploadOwner = string;

const QUEUE_UNAVAILABLE = 'queue-unavailable';

export class UploadService {
  private readonly now: () => Date;

  constructor(private readonly deps: UploadServiceDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  get expiryMs(): number {
    return this.deps.expiryMs;
  }

  /** Records a new upload before the store creates it. */
  async register(u: { id: string; owner: UploadOwner; bytes: number; fileName: string }) {
    const now = this.now();
    await this.deps.uploads.insert({
      ...u,
      createdAt: now,
      expiresAt: new Date(now.getTime() + this.deps.expiryMs),
    });
  }

  /**
   * The caller's own, live upload: anyone else's, an expired one and an unknown id
   * are all "not found" (an id tells nothing about uploads one does not own).
   */
  async requireOwn(id: string, owner: UploadOwner): Promise<UploadRecord> {
    const record = await this.deps.uploads.find(id);
    if (!record || record.owner !== owner || (!record.consumedAt && this.lapsed(record))) {
      throw notFound(
        'Upload',
        `No upload of yours has the id "${id}" (an upload lapses after ${this.describeExpiry()} without data).`,
      );
    }
    return record;
  }

  /** Bytes arrive: the upload lives on. */
  async touch(id: string): Promise<void> {
    await this.deps.uploads.touch(id, new Date(this.now().getTime() + this.deps.expiryMs));
  }

  /**
   * Upload → the same path as a multipart upload (storage, row, queue), once: a second
   * use of the same upload is a conflict, an unfinished one too.
   */
  async createEpisode(
    showSlug: string,
    metadata: EpisodeMetadata,
    uploadId: string,
    owner: UploadOwner,
  ): Promise<Episode> {
    const { episodes, logger } = this.deps;
    const episode = await this.consume(
      uploadId,
      owner,
      'an episode',
      () => episodes.requireShow(showSlug),
      (file) => episodes.createFromUpload(showSlug, metadata, file),
      (made) => made.id,
    );
    logger.info(
      { upload: uploadId, episodeId: episode.id },
      'episode created from a resumable upload',
    );
    return episode;
  }

  /**
   * A finished upload used once, for whatever `use` makes of it (an episode, a
   * correction's new recording): claimed first, so of two requests racing for
   * one upload one wins and the other is told 409; given back when `use` fails
   * (but for a queue outage: what it made is saved). `check` runs before the claim.
   */
  async consume<T>(
    uploadId: string,
    owner: UploadOwner,
    becomes: string,
    check: () => Promise<unknown>,
    use: (file: { path: string; originalName: string; bytes: number }) => Promise<T>,
    /** The episode the upload went to, recorded on the upload. */
    episodeOf: (made: T) => string,
  ): Promise<T> {
    const { uploads, store } = this.deps;
    const record = await this.requireOwn(uploadId, owner);
    if (record.consumedAt) {
      throw new AppError(
        409,
        'upload-used',
        'This upload was already used',
        `The upload ${uploadId} became ${record.episodeId ? `the episode ${record.episodeId}` : becomes}; upload the file again to use it again.`,
      );
    }
    await check();
    // Claimed first: of two requests racing for one upload, one uses it, the other is told 409.
    if (!(await uploads.claim(uploadId, this.now()))) {
      throw new AppError(
        409,
        'upload-used',
        'This upload was already used',
        `The upload ${uploadId} became ${becomes}.`,
      );
    }
    const upload = await store.datastore.getUpload(store.storeId(uploadId)).catch(() => null);
    if (!upload) {
      await uploads.release(uploadId);
      throw notFound('Upload', `The bytes of the upload "${uploadId}" are gone.`);
    }
    if (upload.size === undefined || upload.offset < upload.size) {
      await uploads.release(uploadId);
      throw new AppError(
        409,
        'upload-unfinished',
        'The upload is not finished',
        `${upload.offset} of ${upload.size ?? '?'} bytes received: resume the upload (HEAD then PATCH its URL), then use it.`,
      );
    }
    let made: T;
    try {
      made = await store.withLocalFile(uploadId, (path) =>
        use({ path, originalName: record.fileName, bytes: upload.size! }),
      );
    } catch (error) {
      // What it made was saved and will be queued later: the upload is used.
      if (error instanceof AppError && error.code === QUEUE_UNAVAILABLE) {
        await store.remove(uploadId);
      } else {
        await uploads.release(uploadId);
      }
      throw error;
    }
    await uploads.setEpisode(uploadId, episodeOf(made));
    await store.remove(uploadId);
    return made;
  }

  /** The client terminated the upload (tus DELETE removed its bytes): its row goes too. */
  async forget(id: string): Promise<void> {
    await this.deps.uploads
      .delete(id)
      .catch((error: unknown) =>
        this.deps.logger.warn({ err: error, upload: id }, 'terminated upload not forgotten'),
      );
  }

  /** Removes what lapsed: abandoned uploads (bytes and row) and the rows of used ones. */
  async sweepExpired(): Promise<number> {
    const { uploads, store, logger } = this.deps;
    let removed = 0;
    for (;;) {
      const batch = await uploads.expired(this.now());
      for (const { id, consumed } of batch) {
        if (!consumed) await store.remove(id);
        await uploads.delete(id);
        removed++;
      }
      if (batch.length < 500) break;
    }
    if (removed) logger.info({ removed }, 'expired uploads removed');
    return removed;
  }

  private lapsed(record: UploadRecord): boolean {
    return record.expiresAt.getTime() <= this.now().getTime();
  }

  private describeExpiry(): string {
    const hours = this.deps.expiryMs / 3600_000;
    return hours >= 1
      ? `${Math.round(hours * 10) / 10} h`
      : `${Math.round(this.deps.expiryMs / 1000)} s`;
  }
}
