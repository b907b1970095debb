import path from 'node:path';

/** Where the process keeps its files under DATA_DIR. */
export const dirs = (dataDir: string) => ({
  media: path.join(dataDir, 'media'),
  uploadsTmp: path.join(dataDir, 'tmp', 'uploads'),
  jobsTmp: path.join(dataDir, 'tmp', 'jobs'),
  feedsTmp: path.join(dataDir, 'tmp', 'feeds'),
  /** What a worker learned of this machine (a hint: losing it costs nothing but time). */
  encodeBalance: path.join(dataDir, 'worker', 'encode-balance.json'),
});
