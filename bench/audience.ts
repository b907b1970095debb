/**
 * What audience counting costs on the hot path (issue 12): `/media` requests per
 * second with counting on and off, side by side in one run, rounds interleaved.
 * Every request comes from another listener (random address behind the trusted
 * proxy, random app version), so each one runs the whole counting path: agent
 * classification, cached rendition lookup, listener hash, one Redis script.
 *
 * - streamed: Antenne sends random 1 MiB ranges of a 28.8 MB, 30-minute MP3 (local
 *   disk), each a minute of audio or more, so each new listener's request is a download;
 * - redirect: MEDIA_REDIRECT=storage on an s3rver bucket, the 302 only (no
 *   bytes: the cheapest answer, where counting weighs most).
 *
 * Each kind is one Antenne in a process of its own (bench/audience-server.ts),
 * as in production, and counting is switched on and off in that same process
 * between measurements: two processes running the same code differ by more
 * than what is measured here (two servers both counting nothing, in processes
 * of their own: 1.18× in req/s, 12 % in CPU per request; in one shared process,
 * 12 % too). wrk (Debian package) drives the load from its own process. Each
 * round measures counting off and on back to back, in alternating order, and
 * the ratio is the median of the rounds' own ratios: a change of load on a
 * shared machine between rounds cancels out. CPU per request (the serving
 * process, from /proc, plus Redis) is printed too.
 *
 * AA=1 measures the noise floor instead: counting off on both sides.
 *
 *   npm run bench:audience            ROUNDS=15 SECONDS=5 CONNECTIONS=16 AA= (about 7 minutes)
 */
import { execFile, fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { startS3Server, type S3TestServer } from '../support/s3-server.js';
import { median } from '../support/statistics.js';
import type { BenchMessage, ServerMessage } from './audience-server.js';

const run = promisify(execFile);
const ROUNDS = Number(process.env.ROUNDS ?? 15);
const SECONDS = Number(process.env.SECONDS ?? 5);
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 16);
const FILE_BYTES = 28_800_000;
/** At least a minute of this file's audio (960 kB): every request from a new listener counts. */
const RANGE_BYTES = 1024 * 1024;
const TOKEN = 'bench-token-0123456789abcdef';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const AA = Boolean(process.env.AA);

/** wrk's Lua script: a random range, from a random listener (address and app version). */
function script(urlPath: string): string {
  // Each wrk thread seeds its own sequence: with one seed, both threads would ask
  // as the same listeners and half the requests would be counted before.
  return `
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("thread_id", threads)
end
function init(args)
  math.randomseed(os.time() * 100 + thread_id)
end
request = function()
  local start = math.random(0, ${FILE_BYTES - RANGE_BYTES})
  local ip = "10." .. math.random(0, 255) .. "." .. math.random(0, 255) .. "." .. math.random(1, 254)
  return wrk.format("GET", "${urlPath}", {
    ["Range"] = "bytes=" .. start .. "-" .. (start + ${RANGE_BYTES - 1}),
    ["X-Forwarded-For"] = ip,
    ["User-Agent"] = "AntennaPod/3." .. math.random(0, 99999),
  })
end
`;
}

interface Measure {
  readonly rps: number;
  readonly errors: number;
  /** CPU time of this process and of Redis per request, in microseconds. */
  readonly cpuPerRequestUs: number;
  /** Of which Redis's. */
  readonly redisPerRequestUs: number;
  readonly requests: number;
}

/** Redis's own CPU seconds so far (user + system). */
async function redisCpuSeconds(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const figure = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? NaN);
  return figure('used_cpu_user') + figure('used_cpu_sys');
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux). */
function processCpuSeconds(pid: number): number {
  // Fields 14 and 15 (utime, stime), counted after the command name's closing parenthesis.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}
/** USER_HZ: 100 on Linux. */
const CLOCK_TICKS = 100;

async function wrk(
  url: string,
  scriptFile: string,
  redis: Redis,
  server: number,
): Promise<Measure> {
  const redisBefore = await redisCpuSeconds(redis);
  const before = processCpuSeconds(server);
  const { stdout } = await run(
    'wrk',
    ['-t2', `-c${CONNECTIONS}`, `-d${SECONDS}s`, '-s', scriptFile, url],
    { maxBuffer: 1 << 20 },
  );
  const usedUs = (processCpuSeconds(server) - before) * 1e6;
  const redisUs = ((await redisCpuSeconds(redis)) - redisBefore) * 1e6;
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1] ?? NaN);
  const requests = Number(/(\d+) requests in/.exec(stdout)?.[1] ?? NaN);
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(stdout)?.[1] ?? 0);
  return {
    rps,
    errors: non2xx,
    cpuPerRequestUs: (usedUs + redisUs) / requests,
    redisPerRequestUs: redisUs / requests,
    requests,
  };
}

interface Server {
  readonly name: string;
  readonly child: ChildProcess;
  readonly url: string;
  readonly prefix: string;
}

/** An Antenne in its own process with one published episode holding `file`; its /media URL. */
async function startServer(
  dir: string,
  name: string,
  file: string,
  env: NodeJS.ProcessEnv,
): Promise<Server> {
  const prefix = `antenne-bench-${randomBytes(4).toString('hex')}`;
  const child = fork(path.join(import.meta.dirname, 'audience-server.ts'), {
    // CPU_PROFILE_DIR=dir: each server writes a V8 CPU profile there when it exits.
    execArgv: [
      '--import',
      'tsx',
      ...(process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
      ...(process.env.CPU_PROFILE_DIR
        ? [
            '--cpu-prof',
            `--cpu-prof-dir=${process.env.CPU_PROFILE_DIR}`,
            `--cpu-prof-name=${name}.cpuprofile`,
          ]
        : []),
    ],
    env: {
      ...process.env,
      DATA_DIR: path.join(dir, name),
      PUBLIC_URL: 'http://127.0.0.1',
      LOG_LEVEL: 'error',
      QUEUE_PREFIX: prefix,
      EDITOR_TOKENS: TOKEN,
      TRUST_PROXY: 'loopback',
      BENCH_FILE: file,
      BENCH_BYTES: String(FILE_BYTES),
      BENCH_DIR: dir,
      ...env,
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('message', (m: ServerMessage) =>
      m.kind === 'ready' ? resolve(m.url) : reject(new Error(`${name}: not ready`)),
    );
    child.once('exit', (code) => reject(new Error(`${name}: exited with ${code} before ready`)));
  });
  return { name, child, url, prefix };
}

/** Stops a server; resolves to the downloads it counted. */
async function finish(server: Server): Promise<number> {
  if (server.child.exitCode !== null) return 0;
  const counted = new Promise<number>((resolve) => {
    server.child.once('message', (m: ServerMessage) =>
      resolve(m.kind === 'finished' ? m.counted : 0),
    );
    server.child.once('exit', () => resolve(0));
  });
  server.child.send({ kind: 'finish' });
  const n = await counted;
  await new Promise((resolve) =>
    server.child.exitCode !== null ? resolve(null) : server.child.once('exit', resolve),
  );
  return n;
}

/** Switches a server's counting on or off; resolves once it is. */
async function switchCounting(server: Server, on: boolean): Promise<void> {
  const done = new Promise<void>((resolve, reject) => {
    const onExit = () => reject(new Error(`${server.name} exited`));
    const onMessage = (m: ServerMessage) => {
      if (m.kind !== 'counting' || m.on !== on) return;
      server.child.off('message', onMessage).off('exit', onExit);
      resolve();
    };
    server.child.on('message', onMessage).once('exit', onExit);
  });
  server.child.send({ kind: 'counting', on } satisfies BenchMessage);
  await done;
}

async function dropKeys(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

async function main() {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'antenne-bench-audience-'));
  const servers: Server[] = [];
  let s3: S3TestServer | undefined;
  try {
    const file = path.join(dir, 'interview.mp3');
    await fs.writeFile(file, randomBytes(FILE_BYTES));
    s3 = await startS3Server();
    const start = async (name: string, env: NodeJS.ProcessEnv) => {
      const server = await startServer(dir, name, file, env);
      servers.push(server);
      return server;
    };
    const streamed = await start('streamed', { AUDIENCE: 'on' });
    const redirect = await start('redirect', {
      ...s3.env('redirect'),
      MEDIA_REDIRECT: 'storage',
      AUDIENCE: 'on',
    });
    const pairs = [
      { kind: '302 to bucket', server: redirect },
      { kind: 'streamed', server: streamed },
    ];
    if (AA) console.log('AA=1: counting off on both sides (the noise floor)');
    const measures = new Map<string, { off: Measure[]; on: Measure[]; ratios: number[] }>();
    const redis = new Redis(REDIS_URL);
    /** Requests each server answered (warm-up included), to read a CPU profile per request. */
    const served = new Map<number, number>();
    try {
      // Round 0 warms every target up (JIT, caches, connections) and is not counted.
      for (let round = 0; round <= ROUNDS; round += 1) {
        // KINDS=302 (or streamed): only the pairs whose name starts so.
        for (const pair of pairs.filter(
          (p) =>
            !process.env.KINDS || process.env.KINDS.split(',').some((k) => p.kind.startsWith(k)),
        )) {
          const order = round % 2 ? (['on', 'off'] as const) : (['off', 'on'] as const);
          const got: Partial<Record<'on' | 'off', Measure>> = {};
          for (const side of order) {
            const { server } = pair;
            const u = new URL(server.url);
            const scriptFile = path.join(dir, `audience-${u.port}.lua`);
            await fs.writeFile(scriptFile, script(u.pathname));
            await switchCounting(server, side === 'on' && !AA);
            const r = await wrk(`${u.protocol}//${u.host}`, scriptFile, redis, server.child.pid!);
            if (r.errors) throw new Error(`${pair.kind} ${side}: ${r.errors} non-2xx/3xx answers`);
            got[side] = r;
            served.set(server.child.pid!, (served.get(server.child.pid!) ?? 0) + r.requests);
          }
          if (round === 0) continue;
          const { off, on } = got as Record<'on' | 'off', Measure>;
          const m = measures.get(pair.kind) ?? { off: [], on: [], ratios: [] };
          m.off.push(off);
          m.on.push(on);
          m.ratios.push(on.rps / off.rps);
          measures.set(pair.kind, m);
          console.log(
            `round ${round}  ${pair.kind.padEnd(14)} off ${off.rps.toFixed(0).padStart(6)} req/s  on ${on.rps.toFixed(0).padStart(6)} req/s  ratio ${(on.rps / off.rps).toFixed(2)}`,
          );
        }
      }
    } finally {
      redis.disconnect();
    }
    if (process.env.CPU_PROFILE_DIR) {
      for (const server of servers)
        console.log(`requests answered by ${server.name}: ${served.get(server.child.pid!) ?? 0}`);
    }
    // What the counting recorded, to show it ran (one listener per request, mostly).
    let counted = 0;
    for (const server of [streamed, redirect]) counted += await finish(server);
    console.log(
      `\nrandom ${RANGE_BYTES / 1024} KiB ranges of a ${(FILE_BYTES / 1e6).toFixed(1)} MB file, a new listener per request, wrk -t2 -c${CONNECTIONS} -d${SECONDS}s, ${ROUNDS} rounds, ${os.availableParallelism()} cores; ${counted} downloads counted`,
    );
    for (const [kind, m] of measures) {
      const rps = (xs: Measure[]) => median(xs.map((x) => x.rps)).toFixed(0);
      const cpu = (xs: Measure[]) => median(xs.map((x) => x.cpuPerRequestUs));
      const redisCpu = (xs: Measure[]) => median(xs.map((x) => x.redisPerRequestUs)).toFixed(0);
      console.log(
        `${kind.padEnd(14)} median off ${rps(m.off)} req/s, on ${rps(m.on)} req/s; CPU per request (Node + Redis) off ${cpu(m.off).toFixed(0)} µs, on ${cpu(m.on).toFixed(0)} µs (${(cpu(m.off) / cpu(m.on)).toFixed(2)}×), of which Redis off ${redisCpu(m.off)} µs, on ${redisCpu(m.on)} µs`,
      );
      console.log(
        `${`${kind}: counting on / off, median of paired rounds`.padEnd(52)} ${median(m.ratios).toFixed(2)}×`,
      );
    }
  } finally {
    for (const server of servers) {
      await finish(server);
      await dropKeys(server.prefix);
    }
    await s3?.stop();
    await fs.rm(dir, { recursive: true, force: true });
  }
}

await main();
