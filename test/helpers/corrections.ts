/** Corrections as the API shows them: an episode's versions, and waiting for one to finish. */
import type { TestApp } from './app.js';

/** A version as `GET /api/episodes/:id/versions` lists it. */
export interface VersionBody {
  number: number;
  kind: string;
  state: string;
  reason: string | null;
  note: string | null;
  cuts: { start: number; end: number }[] | null;
  createdBy: string | null;
  completedAt: string | null;
  durationSeconds: number | null;
  loudness: { integrated: number; truePeak: number } | null;
  failureReason: string | null;
}

/** The episode's versions, newest first. */
export async function listVersions(app: TestApp, episodeId: string): Promise<VersionBody[]> {
  const res = await app.authed(`/api/episodes/${episodeId}/versions`);
  if (res.status !== 200) throw new Error(`versions of ${episodeId}: ${res.status}`);
  return ((await res.json()) as { versions: VersionBody[] }).versions;
}

/**
 * Polls until version `number` has failed, or is live and complete (the feed
 * lists it, the old files are gone, the clips followed).
 */
export async function waitForVersion(
  app: TestApp,
  episodeId: string,
  number: number,
): Promise<VersionBody> {
  for (let i = 0; i < 1200; i++) {
    const v = (await listVersions(app, episodeId)).find((x) => x.number === number);
    if (v && (v.state === 'failed' || (v.state === 'live' && v.completedAt))) return v;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`version ${number} of ${episodeId} still processing`);
}
