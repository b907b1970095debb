/**
 * bench/feeds: (1) a 1,000-episode feed served by the app vs nginx serving the
 * same bytes from a file, same load tool (wrk), same run, identity and gzip;
 * (2) time to rebuild (read + render + compress + store) a 10,000-episode feed.
 *
 *   npm run bench:feeds            (PGlite in memory; BENCH_DATABASE_URL=postgres://… for PostgreSQL)
 *
 * Needs Redis (the app's producer connects), /usr/sbin/nginx and wrk.
 */
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createAntenne } from '../src/compose/index.js';
import { loadConfig } from '../src/core/config.js';
import { newEpisodeId } from '../src/core/ids.js';
import { createLogger } from '../src/core/logger.js';
import { addEpisodes } from '../support/bulk-episodes.js';
import { freePort } from '../support/ports.js';
import { median } from '../support/statistics.js';

const run = promisify(execFile);
const NGINX = process.env.NGINX ?? '/usr/sbin/nginx';
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const WRK_ARGS = ['-t2', '-c64', `-d${SECONDS}s`];

async function wrk(url: string, headers: Record<string, string>): Promise<number> {
  const args = [
    ...WRK_ARGS,
    ...Object.entries(headers).flatMap(([k, v]) => ['-H', `${k}: ${v}`]),
    url,
  ];
  const { stdout } = await run('wrk', args, { maxBuffer: 1 << 20 });
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(stdout);
  const errors = /Non-2xx or 3xx responses: (\d+)/.exec(stdout);
  if (!rps) throw new Error(`wrk output not understood:\n${stdout}`);
  if (errors) throw new Error(`wrk saw ${errors[1]} error responses from ${url}`);
  return Number(rps[1]);
}

async function main(): Promise<void> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'antenne-bench-feeds-'));
  const port = await freePort();
  const nginxPort = await freePort();
  const config = loadConfig({
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    DATA_DIR: dir,
    EDITOR_TOKENS: 'bench-editor-token-0123456789',
    QUEUE_PREFIX: `antenne-bench-${randomBytes(4).toString('hex')}`,
    LOG_LEVEL: 'silent',
    ...(process.env.BENCH_DATABASE_URL ? { DATABASE_URL: process.env.BENCH_DATABASE_URL } : {}),
    ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
  });
  const antenne = await createAntenne(
    config,
    createLogger({ level: 'silent', pretty: false }),
    config.databaseUrl ? {} : { pgliteDir: 'memory://' },
  );
  let nginx: ReturnType<typeof spawn> | null = null;
  try {
    await antenne.listen(port);
    const slug = `bench-${randomBytes(3).toString('hex')}`;
    const show = await antenne.repos.shows.insert({
      id: newEpisodeId(),
      slug,
      title: 'Banc d’essai « Normandie »',
      description: 'Un flux de 1 000 épisodes.',
      language: 'fr',
      author: 'La rédaction',
      owner: { name: 'La rédaction', email: 'podcast@example.org' },
      imageUrl: 'https://example.org/artwork.jpg',
      category: 'News',
      subcategory: 'Politics',
      explicit: false,
      type: 'episodic',
      siteUrl: 'https://example.org/',
      copyright: null,
      podcastGuid: randomBytes(16).toString('hex'),
    });

    // (1) 1,000 episodes: app vs nginx on the same bytes.
    await addEpisodes(antenne.db.db, show.id, 0, 1000);
    await antenne.feedPublisher.rebuildShow(show.id);
    const render = (await antenne.feedPublisher.get(slug))!;
    // nginx workers may run as another user (nobody): let them read the files.
    await fs.chmod(dir, 0o755);
    await fs.writeFile(path.join(dir, 'feed.xml'), render.body);
    await fs.writeFile(path.join(dir, 'feed.xml.gz'), render.gzip);
    const conf = path.join(dir, 'nginx.conf');
    await fs.writeFile(
      conf,
      `worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  open_file_cache max=100;
  keepalive_requests 100000;
  types { application/rss+xml xml; }
  client_body_temp_path ${dir}/nginx-body;
  proxy_temp_path ${dir}/nginx-proxy;
  fastcgi_temp_path ${dir}/nginx-fastcgi;
  uwsgi_temp_path ${dir}/nginx-uwsgi;
  scgi_temp_path ${dir}/nginx-scgi;
  server {
    listen 127.0.0.1:${nginxPort};
    root ${dir};
    gzip_static on;
    etag on;
  }
}
`,
    );
    nginx = spawn(NGINX, ['-c', conf, '-p', dir], { stdio: 'ignore' });
    for (let i = 0; i < 50; i++) {
      const ok = await fetch(`http://127.0.0.1:${nginxPort}/feed.xml`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const appUrl = `http://127.0.0.1:${port}/feeds/${slug}.xml`;
    const nginxUrl = `http://127.0.0.1:${nginxPort}/feed.xml`;
    // Same bytes from both (checked before measuring).
    const [a, b] = await Promise.all([
      fetch(appUrl).then((r) => r.arrayBuffer()),
      fetch(nginxUrl).then((r) => r.arrayBuffer()),
    ]);
    if (Buffer.compare(Buffer.from(a), Buffer.from(b)) !== 0) {
      throw new Error(
        `app and nginx serve different bytes: ${a.byteLength} vs ${b.byteLength}: ${Buffer.from(b).subarray(0, 200).toString()}`,
      );
    }

    console.log(
      `feed: ${render.itemCount} items, ${render.body.length} bytes (gzip ${render.gzip.length}, br ${render.br.length})`,
    );
    console.log(
      `wrk ${WRK_ARGS.join(' ')}, ${ROUNDS} rounds alternating app/nginx; nginx 1 worker (the app is one process)`,
    );
    for (const [label, headers] of [
      ['identity', {}],
      ['gzip', { 'Accept-Encoding': 'gzip' }],
    ] as const) {
      const appRps: number[] = [];
      const nginxRps: number[] = [];
      const ratios: number[] = [];
      await wrk(appUrl, headers); // warm-up (JIT, caches)
      for (let r = 0; r < ROUNDS; r++) {
        const x = await wrk(appUrl, headers);
        const y = await wrk(nginxUrl, headers);
        appRps.push(x);
        nginxRps.push(y);
        ratios.push(x / y);
      }
      console.log(
        `${label.padEnd(8)} app ${Math.round(median(appRps))} req/s [${appRps.map(Math.round).join(', ')}]  ` +
          `nginx ${Math.round(median(nginxRps))} req/s [${nginxRps.map(Math.round).join(', ')}]  ` +
          `ratio app/nginx ${median(ratios).toFixed(2)} [${ratios.map((v) => v.toFixed(2)).join(', ')}] (target >= 0.5)`,
      );
    }

    // (2) 10,000 episodes: full rebuild time.
    await addEpisodes(antenne.db.db, show.id, 1000, 9000);
    const times: number[] = [];
    const phaseRuns: Record<string, number>[] = [];
    let items = 0;
    const edited = await antenne.db.db
      .selectFrom('episodes')
      .select('id')
      .where('show_id', '=', show.id)
      .limit(1)
      .executeTakeFirstOrThrow();
    for (let i = 0; i < 8; i++) {
      // A real change each time (an editor fixes a title): new bytes, new ETag, files written.
      await antenne.db.db
        .updateTable('episodes')
        .set({ title: `Titre corrigé n° ${i} « ok »`, updated_at: new Date() })
        .where('id', '=', edited.id)
        .execute();
      const r = await antenne.feedPublisher.renderAndStore(show.id);
      items = r.items;
      // First run after 9,000 new episodes: renders them all (cold); then one edited episode each time.
      if (i > 0) {
        times.push(r.ms);
        phaseRuns.push(r.phases);
      } else {
        console.log(
          `rebuild ${r.items} items, cold (9,000 new items rendered): ${Math.round(r.ms)} ms`,
        );
      }
    }
    const big = (await antenne.feedPublisher.get(slug))!;
    console.log(
      `rebuild ${items} items after one edit (read + render + gzip + br + store): median ${Math.round(median(times))} ms ` +
        `[${times.map(Math.round).join(', ')}] = ${Object.keys(phaseRuns[0] ?? {})
          .map((k) => `${k} ${Math.round(median(phaseRuns.map((p) => p[k]!)))}`)
          .join(
            ' + ',
          )} ms, ${big.body.length} bytes (gzip ${big.gzip.length}, br ${big.br.length}) (target < 1000 ms), database ${antenne.db.engine}`,
    );
  } finally {
    nginx?.kill('SIGTERM');
    await antenne.close();
    await fs.rm(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
