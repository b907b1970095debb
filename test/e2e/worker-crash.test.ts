/**
 * Issue 3: a worker process killed with SIGKILL in the middle of a job. After a
 * restart the job completes once, with one set of renditions and no temp files.
 * The worker runs as its own process (`workers/main.ts`) on PostgreSQL.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { createScratchDatabase } from '../helpers/databases.js';
import { EDITOR_HEADERS, uploadEpisode, useTestApp, waitForEpisode } from '../helpers/app.js';
import { tempDir } from '../helpers/audio.js';
import { TEST_REDIS_URL } from '../helpers/env.js';
import { storedNames } from '../helpers/storage.js';
import { loopedInterview } from '../fixtures/audio.js';
import { exited } from '../helpers/processes.js';

/** Direct children of a process, from /proc (the ffmpeg runs of a worker). */
async function childrenOf(pid: number): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await fs.readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await fs.readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // pid (comm) state ppid …: comm may hold spaces, so read after the last ')'.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (ppid === pid) found.push(Number(entry));
  }
  return found;
}

describe('worker killed with SIGKILL during a job', function () {
  // Longer than the layer’s timeout: waits for the queue to see the killed worker’s job stalled, then for the retry.
  this.timeout(240_000);
  let work: string;
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  const workers: ChildProcess[] = [];

  // Registered before the app's hooks, so that no worker outlives the app.
  after(async () => {
    for (const w of workers) {
      if (w.exitCode === null && w.signalCode === null) {
        w.kill('SIGTERM');
        await exited(w);
      }
    }
  });
  before(async () => {
    work = await tempDir('antenne-crash-');
    scratch = await createScratchDatabase();
  });
  // The API in this process (no worker), on the same database as the worker process.
  const app = useTestApp(() => ({
    engine: 'postgres',
    worker: false,
    env: { DATABASE_URL: scratch.url },
  }));

  const startWorker = (): ChildProcess => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'workers/main.ts'], {
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        DATABASE_URL: scratch.url,
        REDIS_URL: TEST_REDIS_URL,
        DATA_DIR: app.dataDir,
        QUEUE_PREFIX: app.queuePrefix,
        EDITOR_TOKENS: 'test-editor-token-0123456789abcdef',
        LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
        // A dead worker's job is taken over after ~3 s instead of a minute.
        WORKER_LOCK_SECONDS: '3',
        WORKER_STALLED_INTERVAL_SECONDS: '1',
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    workers.push(child);
    return child;
  };

  before(async () => {
    // Long enough (90 s of audio) to be killed in the middle of its encodes.
    await fs.copyFile(await loopedInterview(90), path.join(work, 'upload.wav'));
  });

  after(async () => {
    await scratch?.drop();
    await fs.rm(work, { recursive: true, force: true });
  });

  it('completes the job once after a restart, with one set of renditions and no temp files', async () => {
    const first = startWorker();
    const res = await uploadEpisode(app, path.join(work, 'upload.wav'));
    assert.equal(res.status, 202);
    const { id } = (await res.json()) as { id: string };

    // Wait until the encodes run (progress past the measuring passes), then kill -9.
    const deadline = Date.now() + 120_000;
    for (;;) {
      const body = (await (
        await fetch(`${app.baseUrl}/api/episodes/${id}`, { headers: EDITOR_HEADERS })
      ).json()) as {
        state: string;
        progress: number;
      };
      const progress = body.progress;
      if (body.state === 'processing' && progress >= 15 && progress <= 80) break;
      assert.notEqual(body.state, 'ready', 'the job finished before it could be killed');
      assert.ok(Date.now() < deadline, `no progress: ${body.state} ${progress}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const jobsTmp = path.join(app.dataDir, 'tmp', 'jobs');
    const tempBefore = await fs.readdir(jobsTmp);
    assert.equal(tempBefore.length, 1, 'the job works in its own temp dir');
    const ffmpegs = await childrenOf(first.pid!);
    assert.ok(ffmpegs.length >= 1, 'ffmpeg was running');
    first.kill('SIGKILL');
    await exited(first);
    // SIGKILL skips every cleanup: the ffmpeg children run on as orphans until the
    // restarted worker's boot sweep stops them with the dead run's temp dir
    // (test/integration/temp-dirs.test.ts proves the stopping itself).
    assert.deepEqual(await fs.readdir(jobsTmp), tempBefore, 'the killed run left its temp dir');

    startWorker();
    const ready = (await waitForEpisode(app.baseUrl, id, undefined, 180_000)) as unknown as {
      state: string;
      failureReason: string | null;
      renditions: { profile: string }[];
      progress: number;
    };
    assert.equal(ready.state, 'ready', String(ready.failureReason));
    assert.equal(ready.progress, 100);
    assert.deepEqual(ready.renditions.map((r) => r.profile).sort(), [
      'aac-128k',
      'mp3-128k',
      'opus-48k',
    ]);

    // One set of files: three renditions and the two peak sets (studio, player), nothing else.
    const files = await storedNames(app.antenne.storage, `public/episodes/${id}`);
    assert.equal(files.length, 5, files.join(', '));
    assert.equal(files.filter((f) => f.startsWith('player-peaks-')).length, 1, files.join(', '));
    // No temp files: the restarted worker swept the dead one's dir; its own run removed its own.
    assert.deepEqual(await fs.readdir(jobsTmp), []);
    // And no orphaned ffmpeg is left running.
    const alive = ffmpegs.filter((pid) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    });
    assert.deepEqual(alive, []);

    // One job, completed once.
    const queue = app.antenne.producer.queue('audio');
    const job = await queue.getJob(`process-audio-${id}-r0`);
    assert.equal(await job?.getState(), 'completed');
    assert.deepEqual(await queue.getJobCounts('completed', 'failed', 'active', 'wait'), {
      completed: 1,
      failed: 0,
      active: 0,
      wait: 0,
    });
  });
});
