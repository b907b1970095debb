/**
 * Issue 13, corrections: while a correction is in progress (its version
 * `processing`) the episode cannot be reprocessed: a reprocessing would work from
 * the master the correction is replacing. Made deterministic by running the app
 * without a worker, so the correction's job stays queued: the request answers 409
 * with a problem, and the live version, the episode and the queue are as before.
 * No media is processed here, so both engines are cheap.
 */
import assert from 'node:assert/strict';
import { ENGINES } from '../helpers/databases.js';
import { useTestApp } from '../helpers/app.js';
import { listVersions, type VersionBody } from '../helpers/corrections.js';
import { addMediaEpisode } from '../helpers/media-episodes.js';

interface EpisodeBody {
  state: string;
  processingRevision: number;
  durationSeconds: number;
  renditions: { url: string; bytes: number; sha256: string }[];
}

/** What the episode serves, without the signature (its expiry moves with the clock). */
const audioOf = (e: EpisodeBody) =>
  e.renditions.map((r) => [new URL(r.url).pathname, r.bytes, r.sha256]);

const json = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

for (const engine of ENGINES) {
  describe(`no reprocessing while a correction is in progress (${engine})`, () => {
    const app = useTestApp({ engine, worker: false });
    const episode = async (id: string) =>
      (await (await app.authed(`/api/episodes/${id}`)).json()) as EpisodeBody;
    /** The audio queue's pending jobs, as "name:episode id" (a correction's, through its version). */
    const pendingJobs = async () => {
      const queue = app.antenne.producer.queue('audio');
      const jobs = await queue.getJobs(['waiting', 'delayed', 'active', 'prioritized']);
      const named = await Promise.all(
        jobs.map(async (j) => {
          const data = j.data as { episodeId?: string; versionId?: string };
          const version = data.versionId
            ? await app.antenne.repos.versions.findById(data.versionId)
            : undefined;
          return `${j.name}:${data.episodeId ?? version?.episodeId}`;
        }),
      );
      return named.sort();
    };

    it('answers 409 with a problem, and leaves the live version, the episode and the queue as they were', async () => {
      // Reprocessing a ready episode is allowed otherwise: the 409 is the correction's doing.
      const other = await addMediaEpisode(app, 'ready', Buffer.alloc(4096, 2));
      const allowed = await app.authed(`/api/episodes/${other.id}/reprocess`, json({}));
      assert.equal(allowed.status, 202, await allowed.clone().text());

      const { id } = await addMediaEpisode(app, 'ready', Buffer.alloc(4096, 1));
      const before = await episode(id);
      const asked = await app.authed(
        `/api/episodes/${id}/corrections`,
        json({
          cuts: [{ start: '0:01', end: '0:02' }],
          reason: 'Citation inexacte',
          note: 'Un passage « erroné » a été retiré.',
        }),
      );
      assert.equal(asked.status, 202, await asked.clone().text());
      assert.equal(((await asked.json()) as VersionBody).state, 'processing');

      const res = await app.authed(`/api/episodes/${id}/reprocess`, json({ loudnessTarget: -19 }));
      assert.equal(res.status, 409, await res.clone().text());
      assert.match(res.headers.get('content-type') ?? '', /^application\/problem\+json/);
      const problem = (await res.json()) as {
        type: string;
        title: string;
        status: number;
        detail: string;
      };
      assert.equal(problem.type, '/problems/correction-pending');
      assert.equal(problem.status, 409);
      assert.match(problem.detail, /being corrected/);

      // Nothing moved: the episode, its audio, its versions, and the one queued job.
      const after = await episode(id);
      assert.deepEqual(
        [after.state, after.processingRevision, after.durationSeconds, audioOf(after)],
        [before.state, before.processingRevision, before.durationSeconds, audioOf(before)],
      );
      assert.equal((await fetch(after.renditions[0]!.url)).status, 200);
      assert.deepEqual(
        (await listVersions(app, id)).map((v) => [v.number, v.kind, v.state]),
        [
          [2, 'cut', 'processing'],
          [1, 'original', 'live'],
        ],
      );
      assert.deepEqual(await pendingJobs(), [`correct-audio:${id}`, `process-audio:${other.id}`]);
    });
  });
}
