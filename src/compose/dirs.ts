import path from 'node:path';

/** Where the process keeps its files under DATA_DIR. */
export const dirs = (dataDir: string) => ({
  media: path.join(dataDir, 'media'),
  uploadsTmp: path.join(dataDir, 'tmp', 'uploads'),
  jobsTmp: path.join(dataDir, 'tmp', 'jobs'),
  feedsTmp: path.join(dataDir, 'tmp', 'feeds'),
});
