/**
 * Serving a published episode's audio: random 1 MiB Range requests on a
 * 28.8 MB MP3 (what podcast apps and players do while seeking and streaming),
 * side by side in one run, rounds interleaved so that all see the same machine:
 *
 * - Antenne's `/media` sending the bytes itself (local disk);
 * - Antenne behind nginx with MEDIA_ACCEL_REDIRECT (deploy/nginx.conf's server
 *   block; Antenne decides, nginx sends the file);
 * - nginx alone on the same file, 1 worker and `auto` workers;
 * - offloaded (MEDIA_REDIRECT=storage on an s3rver bucket): the 302 answers
 *   Antenne gives per second, and the bytes s3rver sends from the presigned URL
 *   (s3rver is a test server in Node, not a measure of real object storage).
 *
 * wrk (Debian package) drives the load from its own process.
 *
 *   npm run bench:media            ROUNDS=3 SECONDS=8 CONNECTIONS=16
 *
 * Printed: requests/s and MB/s per round, medians, and ratios to nginx.
 */
import { execFile, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createAntenne } from '../src/compose/index.js';
import { loadConfig } from '../src/core/config.js';
import { createLogger } from '../src/core/logger.js';
import { shippedServers, startNginx } from '../support/nginx.js';
import { freePort } from '../support/ports.js';
import { publishFile } from '../support/published-file.js';
import { startS3Server, type S3TestServer } from '../support/s3-server.js';
import { median } from '../support/statistics.js';

const run = promisify(execFile);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const SECONDS = Number(process.env.SECONDS ?? 8);
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 16);
const FILE_BYTES = 28_800_000;
const RANGE_BYTES = 1024 * 1024;
const TOKEN = 'bench-token-0123456789abcdef';

/** wrk's Lua script: each request asks for a random, aligned 1 MiB range. */
function rangeScript(urlPath: string): string {
  return `
math.randomseed(os.time())
request = function()
  local start = math.random(0, ${FILE_BYTES - RANGE_BYTES})
  return wrk.format("GET", "${urlPath}", { ["Range"] = "bytes=" .. start .. "-" .. (start + ${RANGE_BYTES - 1}) })
end
`;
}

async function wrk(
  url: string,
  script: string,
): Promise<{ rps: number; mbps: number; errors: number }> {
  const { stdout } = await run(
    'wrk',
    ['-t2', `-c${CONNECTIONS}`, `-d${SECONDS}s`, '-s', script, url],
    { maxBuffer: 1 << 20 },
  );
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1] ?? NaN);
  const transfer = /Transfer\/sec:\s+([\d.]+)(\w+)/.exec(stdout);
  const unit = { B: 1e-6, KB: 1e-3, MB: 1, GB: 1e3 }[transfer?.[2] ?? 'MB'] ?? 1;
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(stdout)?.[1] ?? 0);
  const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(
    stdout,
  );
  const errors =
    non2xx + (socketErrors ? socketErrors.slice(1).reduce((a, b) => a + Number(b), 0) : 0);
  return { rps, mbps: Number(transfer?.[1] ?? NaN) * unit, errors };
}

/** An Antenne on its own data dir with one published episode holding `file`; its /media URL. */
async function publishedAntenne(dir: string, name: string, file: string, env: NodeJS.ProcessEnv) {
  const config = loadConfig({
    ...process.env,
    DATA_DIR: path.join(dir, name),
    PUBLIC_URL: 'http://127.0.0.1',
    LOG_LEVEL: 'error',
    QUEUE_PREFIX: `antenne-bench-${randomBytes(4).toString('hex')}`,
    EDITOR_TOKENS: TOKEN,
    ...env,
  });
  const antenne = await createAntenne(config, createLogger({ level: 'error', pretty: false }));
  const port = await antenne.listen(await freePort());
  const base = `http://127.0.0.1:${port}`;
  const { url, key } = await publishFile(antenne, {
    base,
    token: TOKEN,
    file,
    bytes: FILE_BYTES,
    durationSeconds: 1800,
    dir,
  });
  return { antenne, port, url, key, mediaRoot: path.join(config.dataDir, 'media') };
}

async function main() {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'antenne-bench-media-'));
  const children: ChildProcess[] = [];
  const closers: (() => Promise<void>)[] = [];
  let s3: S3TestServer | undefined;
  try {
    const file = path.join(dir, 'interview.mp3');
    await fs.writeFile(file, randomBytes(FILE_BYTES));

    const direct = await publishedAntenne(dir, 'direct', file, {});
    closers.push(() => direct.antenne.close());
    const check = await fetch(direct.url, { headers: { range: 'bytes=0-1' } });
    if (check.status !== 206) throw new Error(`/media answered ${check.status}`);

    // Behind nginx: deploy/nginx.conf as shipped, its upstream this Antenne.
    const accel = await publishedAntenne(dir, 'accel', file, {
      MEDIA_ACCEL_REDIRECT: '/_protected-media/',
    });
    closers.push(() => accel.antenne.close());
    const accelPort = await freePort();
    children.push(
      await startNginx({
        dir,
        name: 'accel',
        port: accelPort,
        workers: '1',
        servers: await shippedServers({
          appPort: accel.port,
          port: accelPort,
          mediaRoot: accel.mediaRoot,
        }),
      }),
    );
    const accelUrl = accel.url.replace(`:${accel.port}/`, `:${accelPort}/`);

    const plainNginx = async (workers: string) => {
      const port = await freePort();
      children.push(
        await startNginx({
          dir,
          name: `plain-${workers}`,
          port,
          workers,
          servers: `server { listen 127.0.0.1:${port}; root ${direct.mediaRoot}; }`,
        }),
      );
      return `http://127.0.0.1:${port}/${direct.key}`;
    };
    const nginx1 = await plainNginx('1');
    const nginxAuto = await plainNginx('auto');

    // Offloaded: the bucket on s3rver, /media redirecting to presigned URLs.
    s3 = await startS3Server();
    const offloaded = await publishedAntenne(dir, 'offloaded', file, {
      ...s3.env(),
      MEDIA_REDIRECT: 'storage',
    });
    closers.push(() => offloaded.antenne.close());
    const redirect = await fetch(offloaded.url, { redirect: 'manual' });
    const presigned = redirect.headers.get('location');
    if (redirect.status !== 302 || !presigned) throw new Error(`redirect: ${redirect.status}`);

    const targets = [
      { name: 'antenne /media (1 process)', url: direct.url },
      { name: 'antenne + nginx accel (1+1)', url: accelUrl },
      { name: 'nginx, 1 worker', url: nginx1 },
      { name: 'nginx, auto workers', url: nginxAuto },
      { name: 'antenne 302 to bucket', url: offloaded.url },
      { name: 's3rver presigned GET', url: presigned },
    ];
    const results = new Map<string, { rps: number; mbps: number; errors: number }[]>();
    for (let round = 1; round <= ROUNDS; round += 1) {
      for (const [index, target] of targets.entries()) {
        const u = new URL(target.url);
        const script = path.join(dir, `range-${index}.lua`);
        await fs.writeFile(script, rangeScript(u.pathname + u.search));
        const r = await wrk(`${u.protocol}//${u.host}`, script);
        results.set(target.name, [...(results.get(target.name) ?? []), r]);
        console.log(
          `round ${round}  ${target.name.padEnd(28)} ${r.rps.toFixed(0).padStart(6)} req/s  ${r.mbps.toFixed(0).padStart(6)} MB/s  errors ${r.errors}`,
        );
      }
    }
    console.log(
      `\nrandom ${RANGE_BYTES / 1024} KiB ranges of a ${(FILE_BYTES / 1e6).toFixed(1)} MB file, wrk -t2 -c${CONNECTIONS} -d${SECONDS}s, ${ROUNDS} rounds, ${os.availableParallelism()} cores`,
    );
    const med = (name: string) => median((results.get(name) ?? []).map((r) => r.rps));
    for (const target of targets) {
      console.log(`median ${target.name.padEnd(28)} ${med(target.name).toFixed(0)} req/s`);
    }
    const ratio = (a: string, b: string) =>
      console.log(`${`${a} / ${b}:`.padEnd(58)} ${(med(a) / med(b)).toFixed(2)}×`);
    for (const name of [targets[0]!.name, targets[1]!.name]) {
      ratio(name, 'nginx, 1 worker');
      ratio(name, 'nginx, auto workers');
    }
  } finally {
    for (const child of children) child.kill('SIGTERM');
    for (const close of closers) await close();
    await s3?.stop();
    await fs.rm(dir, { recursive: true, force: true });
  }
}

await main();
