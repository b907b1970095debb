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
 * wrk (Debian package) drives the load from its own process.
 *
 *   npm run bench:audience            ROUNDS=3 SECONDS=8 CONNECTIONS=16
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
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const SECONDS = Number(process.env.SECONDS ?? 8);
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

async function wrk(url: string, scriptFile: string): Promise<{ rps: number; errors: number }> {
  const { stdout } = await run(
    'wrk',
    ['-t2', `-c${CONNECTIONS}`, `-d${SECONDS}s`, '-s', scriptFile, url],
    { maxBuffer: 1 << 20 },
  );
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1] ?? NaN);
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(stdout)?.[1] ?? 0);
  return { rps, errors: non2xx };
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

    const targets = [
      { name: 'streamed, counting off', url: streamedOff.url },
      { name: 'streamed, counting on', url: streamedOn.url },
      { name: '302 to bucket, counting off', url: redirectOff.url },
      { name: '302 to bucket, counting on', url: redirectOn.url },
    ];
    const results = new Map<string, number[]>();
    // Round 0 warms every target up (JIT, caches, connections) and is not counted.
    for (let round = 0; round <= ROUNDS; round += 1) {
      for (const [index, target] of targets.entries()) {
        const u = new URL(target.url);
        const scriptFile = path.join(dir, `audience-${index}.lua`);
        await fs.writeFile(scriptFile, script(u.pathname));
        const r = await wrk(`${u.protocol}//${u.host}`, scriptFile);
        if (r.errors) throw new Error(`${target.name}: ${r.errors} non-2xx/3xx answers`);
        if (round === 0) continue;
        results.set(target.name, [...(results.get(target.name) ?? []), r.rps]);
        console.log(
          `round ${round}  ${target.name.padEnd(28)} ${r.rps.toFixed(0).padStart(6)} req/s`,
        );
      }
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
    const med = (name: string) => median(results.get(name) ?? []);
    for (const target of targets) {
      console.log(`median ${target.name.padEnd(28)} ${med(target.name).toFixed(0)} req/s`);
    }
    for (const kind of ['streamed', '302 to bucket']) {
      const ratio = med(`${kind}, counting on`) / med(`${kind}, counting off`);
      console.log(`${`${kind}: counting on / off`.padEnd(40)} ${ratio.toFixed(2)}×`);
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
