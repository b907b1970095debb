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
 * wrk (Debian package) drives the load from its own process. Each round measures
 * counting off and on back to back, in alternating order, and the ratio is the
 * median of the rounds' own ratios: a change of load on a shared machine between
 * rounds cancels out. CPU per request (this process, which serves, plus Redis)
 * is printed too: it depends little on what else the machine is doing.
 *
 *   npm run bench:audience            ROUNDS=7 SECONDS=4 CONNECTIONS=16
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { createAntenne, type Antenne } from '../src/compose/index.js';
import { loadConfig } from '../src/core/config.js';
import { createLogger } from '../src/core/logger.js';
import { freePort } from '../support/ports.js';
import { publishFile } from '../support/published-file.js';
import { startS3Server, type S3TestServer } from '../support/s3-server.js';
import { median } from '../support/statistics.js';

const run = promisify(execFile);
const ROUNDS = Number(process.env.ROUNDS ?? 7);
const SECONDS = Number(process.env.SECONDS ?? 4);
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 16);
const FILE_BYTES = 28_800_000;
/** At least a minute of this file's audio (960 kB): every request from a new listener counts. */
const RANGE_BYTES = 1024 * 1024;
const TOKEN = 'bench-token-0123456789abcdef';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** wrk's Lua script: a random range, from a random listener (address and app version). */
function script(urlPath: string): string {
  return `
math.randomseed(os.time())
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
}

/** Redis's own CPU seconds so far (user + system). */
async function redisCpuSeconds(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const figure = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? NaN);
  return figure('used_cpu_user') + figure('used_cpu_sys');
}

async function wrk(url: string, scriptFile: string, redis: Redis): Promise<Measure> {
  const redisBefore = await redisCpuSeconds(redis);
  const before = process.cpuUsage();
  const { stdout } = await run(
    'wrk',
    ['-t2', `-c${CONNECTIONS}`, `-d${SECONDS}s`, '-s', scriptFile, url],
    { maxBuffer: 1 << 20 },
  );
  const used = process.cpuUsage(before);
  const redisUs = ((await redisCpuSeconds(redis)) - redisBefore) * 1e6;
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1] ?? NaN);
  const requests = Number(/(\d+) requests in/.exec(stdout)?.[1] ?? NaN);
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(stdout)?.[1] ?? 0);
  return {
    rps,
    errors: non2xx,
    cpuPerRequestUs: (used.user + used.system + redisUs) / requests,
  };
}

/** An Antenne with one published episode holding `file`; its /media URL. */
async function publishedAntenne(
  dir: string,
  name: string,
  file: string,
  env: NodeJS.ProcessEnv,
): Promise<{ antenne: Antenne; url: string; prefix: string }> {
  const prefix = `antenne-bench-${randomBytes(4).toString('hex')}`;
  const config = loadConfig({
    ...process.env,
    DATA_DIR: path.join(dir, name),
    PUBLIC_URL: 'http://127.0.0.1',
    LOG_LEVEL: 'error',
    QUEUE_PREFIX: prefix,
    EDITOR_TOKENS: TOKEN,
    TRUST_PROXY: 'loopback',
    ...env,
  });
  const antenne = await createAntenne(config, createLogger({ level: 'error', pretty: false }));
  const port = await antenne.listen(await freePort());
  const base = `http://127.0.0.1:${port}`;
  const { url } = await publishFile(antenne, {
    base,
    token: TOKEN,
    file,
    bytes: FILE_BYTES,
    durationSeconds: 1800,
    dir,
  });
  return { antenne, url, prefix };
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
  const apps: { antenne: Antenne; prefix: string }[] = [];
  let s3: S3TestServer | undefined;
  try {
    const file = path.join(dir, 'interview.mp3');
    await fs.writeFile(file, randomBytes(FILE_BYTES));
    s3 = await startS3Server();
    const start = async (name: string, env: NodeJS.ProcessEnv) => {
      const app = await publishedAntenne(dir, name, file, env);
      apps.push(app);
      return app;
    };
    const streamedOff = await start('streamed-off', { AUDIENCE: 'off' });
    const streamedOn = await start('streamed-on', { AUDIENCE: 'on' });
    const redirectOff = await start('redirect-off', {
      ...s3.env('off'),
      MEDIA_REDIRECT: 'storage',
      AUDIENCE: 'off',
    });
    const redirectOn = await start('redirect-on', {
      ...s3.env('on'),
      MEDIA_REDIRECT: 'storage',
      AUDIENCE: 'on',
    });

    const pairs = [
      { kind: 'streamed', off: streamedOff.url, on: streamedOn.url },
      { kind: '302 to bucket', off: redirectOff.url, on: redirectOn.url },
    ];
    const measures = new Map<string, { off: Measure[]; on: Measure[]; ratios: number[] }>();
    const redis = new Redis(REDIS_URL);
    try {
      // Round 0 warms every target up (JIT, caches, connections) and is not counted.
      for (let round = 0; round <= ROUNDS; round += 1) {
        for (const pair of pairs) {
          const order = round % 2 ? (['on', 'off'] as const) : (['off', 'on'] as const);
          const got: Partial<Record<'on' | 'off', Measure>> = {};
          for (const side of order) {
            const u = new URL(pair[side]);
            const scriptFile = path.join(dir, `audience-${side}-${u.port}.lua`);
            await fs.writeFile(scriptFile, script(u.pathname));
            const r = await wrk(`${u.protocol}//${u.host}`, scriptFile, redis);
            if (r.errors) throw new Error(`${pair.kind} ${side}: ${r.errors} non-2xx/3xx answers`);
            got[side] = r;
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
    // What the counting recorded, to show it ran (one listener per request, mostly).
    let counted = 0;
    for (const app of [streamedOn, redirectOn]) {
      await app.antenne.audience!.recorder.settled();
      counted += await app.antenne.audience!.aggregator.run();
    }
    console.log(
      `\nrandom ${RANGE_BYTES / 1024} KiB ranges of a ${(FILE_BYTES / 1e6).toFixed(1)} MB file, a new listener per request, wrk -t2 -c${CONNECTIONS} -d${SECONDS}s, ${ROUNDS} rounds, ${os.availableParallelism()} cores; ${counted} downloads counted`,
    );
    for (const [kind, m] of measures) {
      const rps = (xs: Measure[]) => median(xs.map((x) => x.rps)).toFixed(0);
      const cpu = (xs: Measure[]) => median(xs.map((x) => x.cpuPerRequestUs));
      console.log(
        `${kind.padEnd(14)} median off ${rps(m.off)} req/s, on ${rps(m.on)} req/s; CPU per request (Node + Redis) off ${cpu(m.off).toFixed(0)} µs, on ${cpu(m.on).toFixed(0)} µs (${(cpu(m.off) / cpu(m.on)).toFixed(2)}×)`,
      );
      console.log(
        `${`${kind}: counting on / off, median of paired rounds`.padEnd(52)} ${median(m.ratios).toFixed(2)}×`,
      );
    }
  } finally {
    for (const app of apps) {
      await app.antenne.close();
      await dropKeys(app.prefix);
    }
    await s3?.stop();
    await fs.rm(dir, { recursive: true, force: true });
  }
}

await main();
