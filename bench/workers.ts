/**
 * bench:workers — N interviews processed by 1 worker process, then by 2, on the
 * same PostgreSQL database, Redis and storage: wall time, jobs per hour, seconds
 * per job, the throughput ratio 2 vs 1, and what the workers cost the shared
 * services per job (PostgreSQL transactions, Redis commands, bytes stored, CPU).
 *
 *   npm run bench:workers                        # 4 × 10-minute interviews
 *   N=4 DURATION=300 npm run bench:workers       # 4 × 5 minutes
 *
 * Storage is local disk, one DATA_DIR shared by both worker processes: they run on
 * one machine, and their temp dirs carry their pids, so sharing is safe. (Across
 * machines the workers would use S3: the e2e test scale-out.test.ts runs that.)
 * Each phase: the episodes are uploaded through an API in this process while the
 * audio queue is paused, the API is closed, the workers are started, then the
 * queue is resumed and the clock runs until every episode is ready.
 *
 * Measured over the timed window only:
 * - PostgreSQL: xact_commit + xact_rollback of the bench's own database
 *   (pg_stat_database), minus this script's own polling queries. A transaction is
 *   one statement or one explicit transaction (a few statements).
 * - Redis: MONITOR, counting the commands that name the bench's key prefix (other
 *   users of the same Redis are not counted); "calls from clients" are round trips,
 *   "inside scripts" are the commands BullMQ's Lua scripts run server-side.
 * - CPU: utime + stime of the worker processes and their reaped ffmpeg children.
 *
 * Needs PostgreSQL (BENCH_DATABASE_ADMIN_URL, a role that may CREATE DATABASE),
 * Redis (REDIS_URL), ffmpeg and espeak-ng.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { openAsBlob } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';
import { createAntenne } from '../src/compose/index.js';
import { loadConfig } from '../src/core/config.js';
import { createLogger } from '../src/core/logger.js';
import { makeSpeech } from './speech.js';
import { freePort } from '../support/ports.js';
import { median } from '../support/statistics.js';

const N = Number(process.env.N ?? 4);
const DURATION = Number(process.env.DURATION ?? 600);
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const ADMIN_URL =
  process.env.BENCH_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const TOKEN = `bench-${randomBytes(12).toString('hex')}`;
const POLL_MS = 500;

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** CPU seconds of a live process and of its children it has reaped (its ffmpeg runs). */
async function cpuSeconds(pid: number): Promise<number> {
  const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After "pid (comm) ": utime, stime, cutime, cstime are fields 14–17, here 11–14.
  const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0);
  return ticks / 100;
}

async function bytesUnder(dir: string): Promise<number> {
  const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  let total = 0;
  for (const e of entries) {
    if (e.isFile()) total += (await fs.stat(path.join(e.parentPath, e.name))).size;
  }
  return total;
}

/** Redis commands naming `prefix`, counted through MONITOR while `counting` is on. */
async function redisCounter(prefix: string) {
  const client = new Redis(REDIS_URL);
  const monitor = await client.monitor();
  const counts = { clients: 0, scripts: 0 };
  let counting = false;
  const marker = `${prefix}:`;
  monitor.on('monitor', (_time: string, args: string[], source: string) => {
    if (!counting || !args.some((a) => a.includes(marker))) return;
    if (source === 'lua') counts.scripts += 1;
    else counts.clients += 1;
  });
  return {
    start() {
      counts.clients = 0;
      counts.scripts = 0;
      counting = true;
    },
    stop() {
      counting = false;
      return { ...counts };
    },
    close() {
      monitor.disconnect();
      client.disconnect();
    },
  };
}

interface Phase {
  workers: number;
  wall: number;
  perJob: number[];
  cpu: number;
  xacts: number;
  redis: { clients: number; scripts: number };
  storedOriginals: number;
  storedOutputs: number;
}

const main = async () => {
  const speech = await makeSpeech(DURATION);
  const dbName = `antenne_bench_${randomBytes(5).toString('hex')}`;
  await admin(`CREATE DATABASE ${dbName}`);
  const dbUrl = Object.assign(new URL(ADMIN_URL), { pathname: `/${dbName}` }).toString();
  const prefix = `antenne-bench-${randomBytes(4).toString('hex')}`;
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'antenne-bench-workers-'));
  const stats = new pg.Client({ connectionString: dbUrl });
  const redis = await redisCounter(prefix);
  const env = {
    DATABASE_URL: dbUrl,
    REDIS_URL,
    QUEUE_PREFIX: prefix,
    DATA_DIR: dataDir,
    EDITOR_TOKENS: TOKEN,
    LOG_LEVEL: 'warn',
    ...(process.env.WORKER_CONCURRENCY
      ? { WORKER_CONCURRENCY: process.env.WORKER_CONCURRENCY }
      : {}),
  };
  const children: ChildProcess[] = [];
  console.log(
    `${N} × ${(DURATION / 60).toFixed(1)}-minute interviews (${speech}), ${os.availableParallelism()} cores, load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );

  /** Uploads N episodes through an API in this process, the audio queue paused; returns their ids. */
  const upload = async (round: number): Promise<string[]> => {
    const port = await freePort();
    const config = loadConfig({ ...env, PORT: String(port), HOST: '127.0.0.1' });
    const api = await createAntenne(config, createLogger({ level: 'error', pretty: false }));
    try {
      await api.producer.queue('audio').pause();
      await api.listen(port);
      const call = (route: string, init: RequestInit) =>
        fetch(`http://127.0.0.1:${port}${route}`, {
          ...init,
          headers: { authorization: `Bearer ${TOKEN}`, ...init.headers },
        });
      if (round === 1) {
        const show = await call('/api/shows', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            slug: 'banc-essai',
            title: 'Banc d’essai',
            description: 'Entretiens de mesure.',
            language: 'fr',
            author: 'Antenne',
            owner: { name: 'Antenne', email: 'bench@example.org' },
            category: 'News',
            siteUrl: 'https://example.org/',
          }),
        });
        if (show.status !== 201) throw new Error(`show: ${show.status} ${await show.text()}`);
      }
      const ids: string[] = [];
      for (let i = 0; i < N; i += 1) {
        const form = new FormData();
        form.append('title', `Entretien ${round}.${i + 1}`);
        form.append('articleUrl', `https://example.org/bench/${round}/${i + 1}`);
        form.append('audio', await openAsBlob(speech), 'entretien.wav');
        const res = await call('/api/shows/banc-essai/episodes', { method: 'POST', body: form });
        if (res.status !== 202) throw new Error(`upload: ${res.status} ${await res.text()}`);
        ids.push(((await res.json()) as { id: string }).id);
      }
      return ids;
    } finally {
      await api.close();
    }
  };

  const startWorker = async (): Promise<ChildProcess> => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'workers/main.ts'], {
      env: { ...process.env, ...env, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.push(child);
    await new Promise<void>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('worker started')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`worker exited (${code}):\n${out}`)));
    });
    return child;
  };

  const stopWorker = async (child: ChildProcess) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  };

  const transactions = async () => {
    const { rows } = await stats.query<{ n: string }>(
      'select xact_commit + xact_rollback as n from pg_stat_database where datname = current_database()',
    );
    return Number(rows[0]!.n);
  };

  const runPhase = async (workerCount: number, round: number): Promise<Phase> => {
    const ids = await upload(round);
    const workers = await Promise.all(Array.from({ length: workerCount }, () => startWorker()));
    // Statistics reach pg_stat_database within about a second of a backend going idle.
    await new Promise((r) => setTimeout(r, 2_000));
    const xact0 = await transactions();
    const cpu0 = await Promise.all(workers.map((w) => cpuSeconds(w.pid!)));
    const queue = new Queue('audio', { connection: { url: REDIS_URL }, prefix });
    redis.start();
    const t0 = performance.now();
    await queue.resume();
    let polls = 0;
    for (;;) {
      polls += 1;
      const { rows } = await stats.query<{ state: string; n: string }>(
        'select state, count(*) as n from episodes where id = any($1) group by state',
        [ids],
      );
      const failed = rows.find((r) => r.state === 'failed');
      if (failed) throw new Error(`${failed.n} episode(s) failed`);
      if (rows.length === 1 && rows[0]!.state === 'ready') break;
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
    const wall = (performance.now() - t0) / 1000;
    const redisCounts = redis.stop();
    const cpu1 = await Promise.all(workers.map((w) => cpuSeconds(w.pid!)));
    const perJob: number[] = [];
    for (const id of ids) {
      const job = await queue.getJob(`process-audio-${id}-r0`);
      perJob.push(((job?.finishedOn ?? 0) - (job?.processedOn ?? 0)) / 1000);
    }
    await queue.close();
    await Promise.all(workers.map(stopWorker));
    await new Promise((r) => setTimeout(r, 2_000));
    // This script's own polls and the two figures' reads are not the workers'.
    const xacts = (await transactions()) - xact0 - polls - 1;
    const media = path.join(dataDir, 'media');
    let storedOriginals = 0;
    let storedOutputs = 0;
    for (const id of ids) {
      storedOriginals += await bytesUnder(path.join(media, 'originals', id));
      storedOutputs += await bytesUnder(path.join(media, 'public', 'episodes', id));
    }
    return {
      workers: workerCount,
      wall,
      perJob,
      cpu: cpu1.reduce((a, b) => a + b, 0) - cpu0.reduce((a, b) => a + b, 0),
      xacts,
      redis: redisCounts,
      storedOriginals,
      storedOutputs,
    };
  };

  try {
    await stats.connect();
    const phases: Phase[] = [];
    for (const [i, count] of [1, 2].entries()) {
      const phase = await runPhase(count, i + 1);
      phases.push(phase);
      report(phase);
    }
    const [one, two] = phases as [Phase, Phase];
    console.log(
      `\nthroughput ratio, 2 workers vs 1: ${(one.wall / two.wall).toFixed(2)} (wall ${one.wall.toFixed(1)} s → ${two.wall.toFixed(1)} s)`,
    );
  } finally {
    await Promise.all(children.map(stopWorker));
    await stats.end().catch(() => undefined);
    redis.close();
    const cleanup = new Redis(REDIS_URL);
    let cursor = '0';
    do {
      const [next, keys] = await cleanup.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      cursor = next;
      if (keys.length) await cleanup.del(...keys);
    } while (cursor !== '0');
    cleanup.disconnect();
    await admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await fs.rm(dataDir, { recursive: true, force: true });
  }
};

function report(p: Phase): void {
  const minutes = (N * DURATION) / 60;
  const mb = (bytes: number) => (bytes / 1e6).toFixed(2);
  const sorted = [...p.perJob].sort((a, b) => a - b);
  console.log(`\n${p.workers} worker process(es):`);
  console.log(`  wall ${p.wall.toFixed(1)} s, ${((N * 3600) / p.wall).toFixed(1)} jobs/hour`);
  console.log(
    `  per job: ${sorted.map((s) => s.toFixed(1)).join(', ')} s (median ${median(sorted).toFixed(1)} s)`,
  );
  console.log(
    `  CPU ${p.cpu.toFixed(1)} s: ${(p.cpu / minutes).toFixed(2)} CPU s per audio minute, ${(p.cpu / p.wall).toFixed(2)} cores busy on average`,
  );
  console.log(
    `  PostgreSQL: ${p.xacts} transactions, ${(p.xacts / N).toFixed(1)} per job, ${(p.xacts / p.wall).toFixed(2)}/s`,
  );
  const redisTotal = p.redis.clients + p.redis.scripts;
  console.log(
    `  Redis: ${p.redis.clients} calls from clients (${(p.redis.clients / N).toFixed(1)} per job, ${(p.redis.clients / p.wall).toFixed(2)}/s) + ${p.redis.scripts} inside scripts (${(redisTotal / p.wall).toFixed(2)} commands/s in all)`,
  );
  console.log(
    `  stored per audio minute: original ${mb(p.storedOriginals / minutes)} MB, renditions + peaks ${mb(p.storedOutputs / minutes)} MB`,
  );
}

await main();
