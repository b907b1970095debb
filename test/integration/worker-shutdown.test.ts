/**
 * SIGTERM during a job: the worker stops taking jobs, stops ffmpeg, hands the
 * job back (not failed), leaves no temp files; after a restart it completes once.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { episodeForm, startTestApp, waitForEpisode, type TestApp } from '../helpers/app.js';
import { ARTICLE, SHOW_INPUT } from '../fixtures/editorial.js';
import { DEFAULT_LADDER } from '../../src/core/media-types.js';
import { tempDir } from '../helpers/audio.js';
import { childProcessesNamed } from '../helpers/processes.js';
import { storedNames } from '../helpers/storage.js';
import { tone } from '../fixtures/audio.js';

describe('worker shutdown during a job (postgres, real Redis and ffmpeg)', function () {
  // Longer than the layer’s timeout: a 2-minute tone goes through the ladder while the worker shuts down.
  this.timeout(120_000);
  let work: string;
  let first: TestApp | undefined;
  let second: TestApp | undefined;

  before(async () => {
    work = await tempDir();
  });
  after(async () => {
    await second?.close();
    if (!second) await first?.close();
    await fs.rm(work, { recursive: true, force: true });
  });

  it('hands the running job back and finishes it once after a restart', async () => {
    const long = await tone(120); // 2 min: seconds through the ladder (ffmpeg runs all along)
    first = await startTestApp({ engine: 'postgres', env: { SHUTDOWN_GRACE_SECONDS: '0.2' } });
    await first.authed('/api/shows', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(SHOW_INPUT),
    });
    const res = await first.authed(`/api/shows/${SHOW_INPUT.slug}/episodes`, {
      method: 'POST',
      body: await episodeForm(long, ARTICLE),
    });
    assert.equal(res.status, 202);
    const { id } = (await res.json()) as { id: string };
    await waitForEpisode(first.baseUrl, id, (s) => s === 'processing', 30_000);
    // Wait until ffmpeg runs, then shut down as SIGTERM would.
    for (let i = 0; i < 100 && (await childProcessesNamed('ffmpeg')).length === 0; i++)
      await new Promise((r) => setTimeout(r, 50));
    assert.ok((await childProcessesNamed('ffmpeg')).length > 0, 'ffmpeg was running');

    const jobId = `process-audio-${id}-r0`;
    const state = await first.stop();
    assert.deepEqual(await childProcessesNamed('ffmpeg'), [], 'no ffmpeg left behind');
    assert.deepEqual(
      await fs.readdir(path.join(first.dataDir, 'tmp', 'jobs')),
      [],
      'no temp files left',
    );

    second = await startTestApp({ engine: 'postgres', restart: state, worker: false });
    const job = await second.antenne.producer.queue('audio').getJob(jobId);
    assert.ok(job, 'the job still exists');
    assert.equal(await job.getState(), 'waiting', 'handed back to the queue, not failed');
    assert.equal(job.attemptsMade, 0, 'the interrupted run does not count as a failed attempt');
    const stored = await second.antenne.repos.episodes.findById(id);
    assert.equal(stored?.state, 'processing');
    assert.equal(stored?.failureReason, null);

    await second.antenne.startWorker();
    const done = await waitForEpisode(
      second.baseUrl,
      id,
      (s) => s === 'ready' || s === 'failed',
      90_000,
    );
    assert.equal(done.state, 'ready');
    const renditions = await second.antenne.repos.renditions.listByEpisode(id);
    assert.deepEqual(
      renditions.map((r) => r.profile).sort(),
      [...DEFAULT_LADDER].sort(),
      'one set of renditions',
    );
    const files = await storedNames(second.antenne.storage, `public/episodes/${id}`);
    assert.equal(files.filter((f) => f.endsWith('.mp3')).length, 1, 'one MP3 on disk');
    const finished = await second.antenne.producer.queue('audio').getJob(jobId);
    assert.equal(await finished?.getState(), 'completed');
    assert.equal(finished?.attemptsMade, 1, 'completed in one counted attempt');
  });
});
