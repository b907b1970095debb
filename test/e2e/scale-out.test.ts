/**
 * Antenne spread over processes as a newsroom runs it: two API processes and two
 * worker processes, real child processes run from the sources, each with its own
 * empty DATA_DIR, sharing nothing but PostgreSQL (a fresh database), Redis (a
 * fresh prefix) and an S3 bucket (s3rver). No process can read another's disk,
 * so anything that still assumes a shared disk fails here.
 *
 * The tests share the four processes and run in order: the upload-to-feed walk,
 * the sign-in limit across the API processes, then a worker killed mid-job.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { buffer } from 'node:stream/consumers';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { Queue, QueueEvents } from 'bullmq';
import pg from 'pg';
import Parser from 'rss-parser';
import { DEFAULT_LADDER } from '../../src/core/media-types.js';
import { ASSETS_DIR_VARIABLE } from '../../src/http/client-assets.js';
import {
  EDITOR_HEADERS,
  TEST_TOKEN,
  episodeForm,
  removeQueueData,
  waitForEpisode,
} from '../helpers/app.js';
import { childProcessesNamed, exited } from '../helpers/processes.js';
import { ARTICLE, SHOW_INPUT } from '../fixtures/editorial.js';
import { interview, loopedInterview } from '../fixtures/audio.js';
import { freePort } from '../../support/ports.js';
import { tempDir } from '../helpers/audio.js';
import { createScratchDatabase } from '../helpers/databases.js';
import { TEST_REDIS_URL } from '../helpers/env.js';
import { trySignIn } from '../helpers/sessions.js';
import { startS3Server, type S3TestServer } from '../../support/s3-server.js';

const ADMIN = { email: 'admin@example.org', password: 'a long and correct passphrase' };
const LOGIN_LIMIT = 3;
const BUCKET_PREFIX = 'antenne';

/** One Antenne process started by this test, with what it printed (for failure reports). */
interface Proc {
  readonly name: string;
  readonly child: ChildProcess;
  readonly dataDir: string;
  readonly output: string[];
  /** The API's own address (API processes only). */
  readonly baseUrl: string | null;
}

/** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
async function stop(child: ChildProcess, graceMs = 15_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited(child);
  clearTimeout(timer);
}

/** Polls `probe` until it returns something (undefined: not yet); its errors end the wait. */
async function waitFor<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

/** Retries `check` until it passes; past the deadline, its last failure is the test's. */
async function eventually(check: () => Promise<void>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/** Every entry under `dir`, relative, directories ending with '/'. */
async function entriesUnder(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)) + (e.isDirectory() ? '/' : ''))
    .sort();
}

/**
 * What a process may leave in its DATA_DIR: temp entries only, that is anything
 * under `tmp/` (uploads in flight, ffmpeg scratch, local copies of stored files).
 * No media, no editor token, no database. `files: 'none'` also wants no file at
 * all there (empty temp directories only): what a process that finished its work
 * and was not killed leaves.
 */
async function assertOnlyTemp(proc: Proc, files: 'none' | 'temp'): Promise<void> {
  const entries = await entriesUnder(proc.dataDir);
  const outside = entries.filter((e) => e !== 'tmp/' && !e.startsWith('tmp/'));
  assert.deepEqual(outside, [], `${proc.name}: only tmp/ under DATA_DIR`);
  if (files === 'none') {
    assert.deepEqual(
      entries.filter((e) => !e.endsWith('/')),
      [],
      `${proc.name}: no file left under DATA_DIR`,
    );
  }
}

async function commOf(pid: number): Promise<string | null> {
  return fs
    .readFile(`/proc/${pid}/comm`, 'utf8')
    .then((s) => s.trim())
    .catch(() => null);
}

describe('scale-out: two API and two worker processes on PostgreSQL, Redis and S3', function () {
  this.timeout(90_000);
  let s3: S3TestServer;
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  let work: string;
  let speech: string;
  let queuePrefix: string;
  let api1: Proc;
  let api2: Proc;
  const workers: Proc[] = [];
  const procs: Proc[] = [];

  const commonEnv = (dataDir: string, publicUrl: string): NodeJS.ProcessEnv => ({
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    ...(process.env[ASSETS_DIR_VARIABLE]
      ? { [ASSETS_DIR_VARIABLE]: process.env[ASSETS_DIR_VARIABLE] }
      : {}),
    DATABASE_URL: scratch.url,
    REDIS_URL: TEST_REDIS_URL,
    QUEUE_PREFIX: queuePrefix,
    DATA_DIR: dataDir,
    PUBLIC_URL: publicUrl,
    EDITOR_TOKENS: TEST_TOKEN,
    ...s3.env(BUCKET_PREFIX),
    LOG_LEVEL: 'info',
    SHUTDOWN_GRACE_SECONDS: '5',
  });

  const launch = (
    name: string,
    args: string[],
    env: NodeJS.ProcessEnv,
    baseUrl: string | null,
  ): Proc => {
    const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output: string[] = [];
    const keep = (chunk: Buffer) => {
      output.push(...chunk.toString().split('\n').filter(Boolean));
      output.splice(0, Math.max(0, output.length - 300));
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const proc: Proc = { name, child, dataDir: env.DATA_DIR!, output, baseUrl };
    procs.push(proc);
    return proc;
  };

  /** Resolves once the process says it is up; fails if it exits first. */
  const ready = async (proc: Proc, line: RegExp): Promise<void> => {
    await waitFor(
      `${proc.name} to start`,
      () => {
        if (proc.child.exitCode !== null || proc.child.signalCode !== null) {
          throw new Error(`${proc.name} exited (${proc.child.exitCode ?? proc.child.signalCode})`);
        }
        return proc.output.some((l) => line.test(l)) ? true : undefined;
      },
      60_000,
    ).catch((error: Error) => {
      throw new Error(`${error.message}:\n${proc.output.join('\n')}`);
    });
  };

  before(async function () {
    this.timeout(120_000);
    work = await tempDir('antenne-scale-');
    queuePrefix = `antenne-test-scale-${Date.now().toString(36)}`;
    [s3, scratch, speech] = await Promise.all([
      startS3Server(),
      createScratchDatabase(),
      interview('wav'),
    ]);
    const [port1, port2] = [await freePort(), await freePort()];
    // Every process renders links with the one public address (a load balancer's in
    // production); here it is API 1's.
    const publicUrl = `http://127.0.0.1:${port1}`;
    const dataDirs = await Promise.all(
      ['api-1', 'api-2', 'worker-1', 'worker-2'].map((n) => tempDir(`antenne-scale-${n}-`)),
    );
    const apiEnv = (dataDir: string, port: number) => ({
      ...commonEnv(dataDir, publicUrl),
      PORT: String(port),
      HOST: '127.0.0.1',
      LOGIN_ATTEMPTS_PER_15_MIN: String(LOGIN_LIMIT),
      // Both API processes may create the first administrator: only one does.
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
    });
    const workerEnv = (dataDir: string) => ({
      ...commonEnv(dataDir, publicUrl),
      WORKER_CONCURRENCY: '1',
      // A dead worker's job is taken over after ~3 s instead of a minute.
      WORKER_LOCK_SECONDS: '3',
      WORKER_STALLED_INTERVAL_SECONDS: '1',
    });
    // All four at once, on a fresh database, as `docker compose up` starts them.
    api1 = launch(
      'api-1',
      ['src/main.ts', '--role=api'],
      apiEnv(dataDirs[0]!, port1),
      `http://127.0.0.1:${port1}`,
    );
    api2 = launch(
      'api-2',
      ['src/main.ts', '--role=api'],
      apiEnv(dataDirs[1]!, port2),
      `http://127.0.0.1:${port2}`,
    );
    workers.push(launch('worker-1', ['workers/main.ts'], workerEnv(dataDirs[2]!), null));
    workers.push(launch('worker-2', ['workers/main.ts'], workerEnv(dataDirs[3]!), null));
    await Promise.all([
      ready(api1, /Antenne is listening/),
      ready(api2, /Antenne is listening/),
      ...workers.map((w) => ready(w, /worker started/)),
    ]);
  });

  afterEach(function () {
    if (this.currentTest?.state !== 'failed') return;
    for (const proc of procs) {
      process.stderr.write(`--- ${proc.name} (last lines)\n${proc.output.slice(-40).join('\n')}\n`);
    }
  });

  after(async function () {
    this.timeout(60_000);
    await Promise.all(procs.map((p) => stop(p.child)));
    await removeQueueData(queuePrefix);
    await scratch?.drop();
    await s3?.stop();
    for (const dir of [work, ...procs.map((p) => p.dataDir)]) {
      if (dir) await fs.rm(dir, { recursive: true, force: true });
    }
  });

  const authed = (proc: Proc, route: string, init: RequestInit = {}) =>
    fetch(`${proc.baseUrl}${route}`, {
      ...init,
      headers: { ...EDITOR_HEADERS, ...(init.headers as Record<string, string> | undefined) },
    });

  const bucketKeys = async (folder: string): Promise<string[]> => {
    const listed = await s3
      .client()
      .send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: `${BUCKET_PREFIX}/${folder}/` }));
    return (listed.Contents ?? []).map((o) => o.Key!.slice(BUCKET_PREFIX.length + 1)).sort();
  };
  const bucketBytes = async (key: string): Promise<Buffer> => {
    const answer = await s3
      .client()
      .send(new GetObjectCommand({ Bucket: s3.bucket, Key: `${BUCKET_PREFIX}/${key}` }));
    return buffer(answer.Body as NodeJS.ReadableStream);
  };

  const upload = async (proc: Proc, file: string, title: string): Promise<string> => {
    const res = await authed(proc, `/api/shows/${SHOW_INPUT.slug}/episodes`, {
      method: 'POST',
      body: await episodeForm(file, { ...ARTICLE, title }, 'Entretien.wav'),
    });
    assert.equal(res.status, 202, await res.clone().text());
    return ((await res.json()) as { id: string }).id;
  };

  /** One file per profile of the ladder and one of each peak set under the episode's folder, nothing else. */
  const assertOneSetOfFiles = async (id: string): Promise<string[]> => {
    const keys = (await bucketKeys(`public/episodes/${id}`)).map((k) => path.basename(k));
    for (const profile of DEFAULT_LADDER) {
      const files = keys.filter((k) => k.startsWith(`${profile}-`));
      assert.equal(files.length, 1, `one ${profile} file: ${keys.join(', ')}`);
    }
    assert.equal(keys.filter((k) => k.startsWith('peaks-')).length, 1, keys.join(', '));
    assert.equal(keys.filter((k) => k.startsWith('player-peaks-')).length, 1, keys.join(', '));
    assert.equal(keys.length, DEFAULT_LADDER.length + 2, keys.join(', '));
    return keys;
  };

  it('uploads through API 1, publishes through API 2, serves the feed and enclosure from API 1', async () => {
    const created = await authed(api1, '/api/shows', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(SHOW_INPUT),
    });
    assert.equal(created.status, 201, await created.clone().text());
    const id = await upload(api1, speech, ARTICLE.title);

    // API 2 never saw the upload: it polls the shared database.
    const done = await waitForEpisode(api2.baseUrl!, id, undefined, 60_000);
    assert.equal(done.state, 'ready', String(done.failureReason));
    const keys = await assertOneSetOfFiles(id);
    assert.deepEqual(
      (await bucketKeys(`originals/${id}`)).map((k) => path.basename(k)),
      ['original.wav'],
    );

    const publish = await authed(api2, `/api/episodes/${id}/publish`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    assert.equal(publish.status, 200, await publish.clone().text());

    // API 1 did not render the feed (API 2 or a worker did): it reads it from the bucket.
    const item = await waitFor('the episode in the feed served by API 1', async () => {
      const res = await fetch(`${api1.baseUrl}/feeds/${SHOW_INPUT.slug}.xml`);
      if (res.status !== 200) return undefined;
      const feed = await new Parser().parseString(await res.text());
      return feed.items.find((i) => i.title === ARTICLE.title);
    });
    const enclosure = item.enclosure!;
    assert.ok(enclosure.url, 'an enclosure URL');

    // As a podcast app: follow redirects, whatever serves the bytes in the end.
    const whole = await fetch(enclosure.url);
    assert.equal(whole.status, 200);
    const body = Buffer.from(await whole.arrayBuffer());
    assert.equal(Number(enclosure.length), body.length, 'the enclosure length is the file size');
    const stored = keys.find((k) => k.startsWith('mp3-'))!;
    const bytes = await bucketBytes(`public/episodes/${id}/${stored}`);
    assert.equal(
      createHash('sha256').update(body).digest('hex'),
      createHash('sha256').update(bytes).digest('hex'),
      'the enclosure serves the MP3 stored in the bucket',
    );

    const size = bytes.length;
    const head = await fetch(enclosure.url, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('content-length'), String(size));
    assert.equal(head.headers.get('content-type'), 'audio/mpeg');
    const ranged = await fetch(enclosure.url, { headers: { range: 'bytes=1000-4999' } });
    assert.equal(ranged.status, 206);
    assert.equal(ranged.headers.get('content-range'), `bytes 1000-4999/${size}`);
    assert.deepEqual(Buffer.from(await ranged.arrayBuffer()), bytes.subarray(1000, 5000));
    const tail = await fetch(enclosure.url, { headers: { range: 'bytes=-100' } });
    assert.equal(tail.status, 206);
    assert.deepEqual(Buffer.from(await tail.arrayBuffer()), bytes.subarray(size - 100));

    // The same media path through the other API process: any process serves any file.
    const onApi2 = new URL(enclosure.url);
    if (onApi2.origin === api1.baseUrl) {
      const other = await fetch(`${api2.baseUrl}${onApi2.pathname}${onApi2.search}`, {
        headers: { range: 'bytes=0-99' },
      });
      assert.equal(other.status, 206);
      assert.deepEqual(Buffer.from(await other.arrayBuffer()), bytes.subarray(0, 100));
    }

    // Every process finished its work: nothing left but empty temp folders.
    for (const proc of procs) await eventually(() => assertOnlyTemp(proc, 'none'));
  });

  it('counts failed sign-ins on API 1 against the limit on API 2, and back', async () => {
    assert.equal((await trySignIn(api1.baseUrl!, ADMIN.email, 'wrong guess 1')).status, 401);
    assert.equal((await trySignIn(api2.baseUrl!, ADMIN.email, 'wrong guess 2')).status, 401);
    assert.equal((await trySignIn(api1.baseUrl!, ADMIN.email, 'wrong guess 3')).status, 401);
    // Three failures in all: the right password is now refused by either process.
    const refused = await trySignIn(api2.baseUrl!, ADMIN.email, ADMIN.password);
    assert.equal(refused.status, 429, JSON.stringify(refused.body));
    assert.equal((await trySignIn(api1.baseUrl!, ADMIN.email, ADMIN.password)).status, 429);
  });

  it('finishes a job once on the other worker when one is killed with SIGKILL mid-job', async () => {
    // Long enough (90 s of audio) to be caught in the middle of its encodes.
    const long = await loopedInterview(90);
    const events = new QueueEvents('audio', {
      connection: { url: TEST_REDIS_URL },
      prefix: queuePrefix,
    });
    const completed: string[] = [];
    const stalled: string[] = [];
    events.on('completed', ({ jobId }) => completed.push(jobId));
    events.on('stalled', ({ jobId }) => stalled.push(jobId));
    await events.waitUntilReady();
    try {
      const id = await upload(api2, long, 'Un long entretien');
      const jobId = `process-audio-${id}-r0`;

      // Wait until one worker runs the job's encodes: that one holds the job.
      const { victim, ffmpegs } = await waitFor(
        'a worker encoding the episode',
        async () => {
          const res = await authed(api1, `/api/episodes/${id}`);
          const body = (await res.json()) as { state: string; progress: number };
          assert.notEqual(body.state, 'ready', 'the job finished before it could be killed');
          if (body.state !== 'processing' || body.progress < 15 || body.progress > 80) return;
          const running = await Promise.all(
            workers.map(async (w) => ({
              w,
              pids: await childProcessesNamed('ffmpeg', w.child.pid),
            })),
          );
          const busy = running.filter((r) => r.pids.length > 0);
          if (busy.length !== 1) return;
          return { victim: busy[0]!.w, ffmpegs: busy[0]!.pids };
        },
        60_000,
      );
      const survivor = workers.find((w) => w !== victim)!;
      assert.deepEqual(
        await childProcessesNamed('ffmpeg', survivor.child.pid),
        [],
        'the other worker is idle',
      );
      victim.child.kill('SIGKILL');
      await exited(victim.child);
      // SIGKILL skips every clean-up: its ffmpeg runs go on as orphans, writing into
      // the dead worker's own temp dir (never into the bucket). Stop them here, as the
      // end of a container would.
      for (const pid of ffmpegs) {
        if ((await commOf(pid)) === 'ffmpeg') process.kill(pid, 'SIGKILL');
      }

      const done = await waitForEpisode(api1.baseUrl!, id, undefined, 75_000);
      assert.equal(done.state, 'ready', String(done.failureReason));
      assert.equal(done.progress, 100);

      // Taken over through BullMQ's stalled-job check, and completed once.
      assert.deepEqual(stalled, [jobId], 'the dead worker’s job was found stalled');
      await waitFor('the completion event', () => (completed.length ? true : undefined));
      assert.deepEqual(completed, [jobId], 'completed once');
      const queue = new Queue('audio', {
        connection: { url: TEST_REDIS_URL },
        prefix: queuePrefix,
      });
      try {
        assert.equal(await (await queue.getJob(jobId))?.getState(), 'completed');
        const counts = await queue.getJobCounts('failed', 'active', 'wait', 'delayed');
        assert.deepEqual(counts, { failed: 0, active: 0, wait: 0, delayed: 0 });
      } finally {
        await queue.close();
      }

      // One set of renditions: one row per profile, one object per profile, no orphan.
      const db = new pg.Client({ connectionString: scratch.url });
      await db.connect();
      let rows: { profile: string; storage_key: string }[];
      try {
        rows = (
          await db.query<{ profile: string; storage_key: string }>(
            'select profile, storage_key from renditions where episode_id = $1 order by profile',
            [id],
          )
        ).rows;
      } finally {
        await db.end();
      }
      assert.deepEqual(
        rows.map((r) => r.profile),
        [...DEFAULT_LADDER].sort(),
      );
      const files = await assertOneSetOfFiles(id);
      for (const row of rows) {
        assert.ok(files.includes(path.basename(row.storage_key)), `${row.storage_key} is stored`);
      }

      // The survivors left nothing; the dead worker left only temp files (its next
      // start sweeps them: test/e2e/worker-crash.test.ts).
      for (const proc of procs.filter((p) => p !== victim)) {
        await eventually(() => assertOnlyTemp(proc, 'none'));
      }
      await assertOnlyTemp(victim, 'temp');
    } finally {
      await events.close();
    }
  });
});
