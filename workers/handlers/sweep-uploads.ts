import type { Job } from 'bullmq';
import type { SweepUploadsPayload } from '../../src/core/jobs.js';
import type { UploadService } from '../../src/services/uploads.js';

export interface SweepUploadsDeps {
  readonly uploads: Pick<UploadService, 'sweepExpired'>;
}

/** The scheduled sweep: resumable uploads silent past their expiry lose their bytes and row. */
export function makeSweepUploads(deps: SweepUploadsDeps) {
  return async (_job: Job<SweepUploadsPayload>) => ({ removed: await deps.uploads.sweepExpired() });
}
