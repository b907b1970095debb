/**
 * Serving a published episode's audio: random 1 MiB Range requests on a
 * 28.8 MB MP3 (what podcast apps and players do while seeking and streaming),
 * Antenne's `/media` against nginx on the same file, side by side, rounds
 * interleaved so that both see the same machine. wrk (Debian package) drives
 * the load from its own process; nginx (Debian package) serves the file that
 * Antenne's local-disk storage holds.
 *
 *   npm run bench:media            ROUNDS=3 SECONDS=8 CONNECTIONS=16
 *
 * Printed: requests/s and MB/s per round, medians, and Antenne / nginx.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createAntenne } from '../src/compose/index.js';
import { loadConfig } from '../src/core/config.js';
import { createLogger } from '../src/core/logger.js';
import {
  newEpisodeGuid,
  newEpisodeId,
  newPublicationKey,
  newRenditionId,
} from '../src/core/ids.js';
import { defaultMediaBase, publishedMediaUrl } from '../src/http/media-urls.js';

const run = promisify(execFile);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const SECONDS = Number(process.env.SECONDS ?? 8);
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 16);
const FILE_BYTES = 28_800_000;
const RANGE_BYTES = 1024 * 1024;
const TOKEN = 'bench-token-0123456789abcdef';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number): Promise<void> {
  for (let i = 0; i < 100; i += 1) {
    const ok = await new Promise<boolean>((resolve) => {
      const c = net.connect(port, '127.0.0.1', () => {
        c.end();
        resolve(true);
      });
      c.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nothing listens on ${port}`);
}

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

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

async function startNginx(dir: string, root: string, port: number, workers: string) {
  const conf = path.join(dir, `nginx-${workers}.conf`);
  await fs.writeFile(
    conf,
    // The bench's temp folder is private to its user: nginx's workers run as that user.
    `daemon off;
user ${os.userInfo().username};
worker_processes ${workers};
pid ${dir}/nginx-${workers}.pid;
error_log ${dir}/nginx-error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  types { audio/mpeg mp3; }
  server { listen 127.0.0.1:${port}; root ${root}; }
}
`,
  );
  const child = spawn('nginx', ['-c', conf, '-p', dir], { stdio: 'inherit' });
  await waitForPort(port);
  return child;
}

async function main() {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'antenne-bench-media-'));
  const children: ChildProcess[] = [];
  const config = loadConfig({
    ...process.env,
    DATA_DIR: path.join(dir, 'data'),
    PUBLIC_URL: 'http://127.0.0.1',
    LOG_LEVEL: 'warn',
    QUEUE_PREFIX: `antenne-bench-${randomBytes(4).toString('hex')}`,
    EDITOR_TOKENS: TOKEN,
  });
  const antenne = await createAntenne(config, createLogger({ level: 'warn', pretty: false }));
  try {
    // One published episode with one 28.8 MB rendition, as the pipeline leaves it.
    const antennePort = await antenne.listen(await freePort());
    const base = `http://127.0.0.1:${antennePort}`;
    const created = await fetch(`${base}/api/shows`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        slug: 'banc-d-essai',
        title: 'Banc d’essai',
        description: 'Mesure du service des fichiers.',
        language: 'fr',
        author: 'La rédaction',
        owner: { name: 'La rédaction', email: 'podcast@example.org' },
        category: 'News',
        siteUrl: 'https://example.org/',
      }),
    });
    if (created.status !== 201) throw new Error(`show: ${created.status} ${await created.text()}`);
    const show = (await created.json()) as { id: string };
    const episodeId = newEpisodeId();
    const publicationKey = newPublicationKey();
    const key = `public/episodes/${episodeId}/mp3-128k-0123456789ab.mp3`;
    const local = path.join(dir, 'interview.mp3');
    await fs.writeFile(local, randomBytes(FILE_BYTES));
    await antenne.storage.putFile(key, local);
    await antenne.db.db
      .insertInto('episodes')
      .values({
        id: episodeId,
        show_id: show.id,
        guid: newEpisodeGuid(),
        state: 'published',
        publication_key: publicationKey,
        title: 'Entretien',
        summary: '',
        article_url: 'https://example.org/2018/05/31/entretien',
        author: 'La rédaction',
        published_at: new Date(),
        categories: '[]',
        image_url: null,
        source: 'Normandie Actu',
        copyright: null,
        language: 'fr',
        interviewees: '[]',
        original_key: `originals/${episodeId}/original.wav`,
        original_name: 'interview.wav',
        original_bytes: FILE_BYTES,
        duration_seconds: 1800,
        failure_reason: null,
      } as never)
      .execute();
    await antenne.db.db
      .insertInto('renditions')
      .values({
        id: newRenditionId(),
        episode_id: episodeId,
        profile: 'mp3-128k',
        mime_type: 'audio/mpeg',
        codec: 'mp3',
        bitrate_kbps: 128,
        sample_rate: 44100,
        channels: 2,
        bytes: FILE_BYTES,
        duration_seconds: 1800,
        storage_key: key,
        sha256: 'a'.repeat(64),
      })
      .execute();

    const antenneUrl = publishedMediaUrl(defaultMediaBase(base), publicationKey, key);
    const check = await fetch(antenneUrl, { headers: { range: 'bytes=0-1' } });
    if (check.status !== 206) throw new Error(`/media answered ${check.status}`);

    const mediaRoot = path.join(config.dataDir, 'media');
    const nginx1Port = await freePort();
    children.push(await startNginx(dir, mediaRoot, nginx1Port, '1'));
    const nginxAutoPort = await freePort();
    children.push(await startNginx(dir, mediaRoot, nginxAutoPort, 'auto'));

    const targets = [
      { name: 'antenne /media (1 process)', url: antenneUrl },
      { name: 'nginx, 1 worker', url: `http://127.0.0.1:${nginx1Port}/${key}` },
      { name: 'nginx, auto workers', url: `http://127.0.0.1:${nginxAutoPort}/${key}` },
    ];
    const results = new Map<string, { rps: number; mbps: number; errors: number }[]>();
    for (let round = 1; round <= ROUNDS; round += 1) {
      for (const target of targets) {
        const u = new URL(target.url);
        const script = path.join(dir, `range-${target.name.length}.lua`);
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
    const a = med(targets[0]!.name);
    console.log(`antenne / nginx 1 worker:     ${(a / med(targets[1]!.name)).toFixed(2)}×`);
    console.log(`antenne / nginx auto workers: ${(a / med(targets[2]!.name)).toFixed(2)}×`);
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await antenne.close();
    await fs.rm(dir, { recursive: true, force: true });
  }
}

await main();
