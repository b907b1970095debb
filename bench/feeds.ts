/**
 * bench/feeds: (1) a 1,000-episode feed served by the app vs nginx serving the
 * same bytes from a file, same load tool (wrk), same run, identity and gzip; and
 * by the app behind the shipped deploy/nginx.conf (its feed cache), as deployed;
 * (2) time to rebuild (read + render + compress + store: the feeds are out; the
 * rendered items are kept after, printed apart) a 10,000-episode feed:
 * after one edit, cold (no item rendered before), in a new process (items from
 * feed_item_fragments), side by side with a full render of every item (the way
 * before items were kept) in the same run.
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
import { shippedServers, startNginx } from '../support/nginx.js';
import { freePort } from '../support/ports.js';
import { median } from '../support/statistics.js';
import type { RenderStats } from '../src/services/feed-publishing.js';

const run = promisify(execFile);
const NGINX = process.env.NGINX ?? '/usr/sbin/nginx';
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
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
  let shipped: ReturnType<typeof spawn> | null = null;
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
    // The shipped deployment: deploy/nginx.conf in front of the app (one worker, as the
    // nginx it is compared with), its feed cache filled by the first request.
    const shippedPort = await freePort();
    shipped = await startNginx({
      dir,
      name: 'shipped',
      port: shippedPort,
      workers: '1',
      servers: await shippedServers({
        appPort: port,
        port: shippedPort,
        mediaRoot: path.join(dir, 'media'),
        cacheDir: path.join(dir, 'nginx-feed-cache'),
      }),
    });
    const appUrl = `http://127.0.0.1:${port}/feeds/${slug}.xml`;
    const shippedUrl = `http://127.0.0.1:${shippedPort}/feeds/${slug}.xml`;
    const nginxUrl = `http://127.0.0.1:${nginxPort}/feed.xml`;
    // Same bytes from both (checked before measuring).
    const [a, b, c] = await Promise.all([
      fetch(appUrl).then((r) => r.arrayBuffer()),
      fetch(nginxUrl).then((r) => r.arrayBuffer()),
      fetch(shippedUrl).then((r) => r.arrayBuffer()),
    ]);
    if (Buffer.compare(Buffer.from(a), Buffer.from(c)) !== 0) {
      throw new Error(`the shipped nginx serves other bytes than the app: ${c.byteLength}`);
    }
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
    const serving = process.env.BENCH_SERVING !== '0';
    for (const [label, headers] of !serving
      ? []
      : (
          [
            ['identity', {}],
            ['gzip', { 'Accept-Encoding': 'gzip' }],
          ] as const
        ).filter(([label]) =>
          (process.env.BENCH_ENCODINGS ?? 'identity,gzip').split(',').includes(label),
        )) {
      const appRps: number[] = [];
      const nginxRps: number[] = [];
      const shippedRps: number[] = [];
      const ratios: number[] = [];
      const shippedRatios: number[] = [];
      await wrk(appUrl, headers); // warm-up (JIT, caches)
      await wrk(shippedUrl, headers);
      for (let r = 0; r < ROUNDS; r++) {
        const x = await wrk(appUrl, headers);
        const y = await wrk(nginxUrl, headers);
        const z = await wrk(shippedUrl, headers);
        appRps.push(x);
        nginxRps.push(y);
        shippedRps.push(z);
        ratios.push(x / y);
        shippedRatios.push(z / y);
      }
      const list = (xs: number[], digits = 0) => `[${xs.map((v) => v.toFixed(digits)).join(', ')}]`;
      console.log(
        `${label.padEnd(8)} app ${Math.round(median(appRps))} req/s ${list(appRps)}  ` +
          `nginx ${Math.round(median(nginxRps))} req/s ${list(nginxRps)}  ` +
          `ratio app/nginx ${median(ratios).toFixed(2)} ${list(ratios, 2)}`,
      );
      console.log(
        `${''.padEnd(8)} app behind deploy/nginx.conf ${Math.round(median(shippedRps))} req/s ${list(shippedRps)}  ` +
          `ratio to nginx ${median(shippedRatios).toFixed(2)} ${list(shippedRatios, 2)} (target >= 0.8)`,
      );
    }

    // (2) 10,000 episodes: rebuild times, with the full render of every item as the baseline.
    if (process.env.BENCH_REBUILD === '0') return;
    await addEpisodes(antenne.db.db, show.id, 1000, 9000);
    const publisher = antenne.feedPublisher;
    const edited = await antenne.db.db
      .selectFrom('episodes')
      .select('id')
      .where('show_id', '=', show.id)
      .orderBy('published_at', 'desc')
      .limit(1)
      .executeTakeFirstOrThrow();
    let edits = 0;
    // A real change each time (an editor fixes a title): new bytes, new ETag, files written.
    const edit = () =>
      antenne.db.db
        .updateTable('episodes')
        .set({ title: `Titre corrigé n° ${(edits += 1)} « ok »`, updated_at: new Date() })
        .where('id', '=', edited.id)
        .execute();
    // CPU time too (the process's, zlib threads and PGlite included): on a machine shared with
    // other work, wall time grows with the neighbours' load, CPU time much less.
    const runs: Record<string, (RenderStats & { cpuMs: number })[]> = {};
    const measure = async (
      label: string,
      times: number,
      before: () => Promise<unknown>,
      fromScratch = false,
    ) => {
      for (let i = 0; i < times; i++) {
        await before();
        const cpu = process.cpuUsage();
        const stats = await publisher.renderAndStore(show.id, { fromScratch });
        const used = process.cpuUsage(cpu);
        (runs[label] ??= []).push({ ...stats, cpuMs: (used.user + used.system) / 1000 });
      }
    };
    const forgetAll = async () => {
      await edit();
      publisher.forgetItems(show.id);
      await antenne.db.db.deleteFrom('feed_item_fragments').execute();
    };
    await publisher.renderAndStore(show.id); // items of the 9,000 new episodes rendered and stored
    // Alternated, so that a busy moment of the machine falls on both.
    for (let round = 0; round < 3; round++) {
      await measure('baseline: full render, one edit', 1, edit, true);
      await measure('cold: no item held or stored', 1, forgetAll);
      await measure('new process: items from the table', 1, async () => {
        await edit();
        publisher.forgetItems(show.id);
      });
      await measure('one edit', 3, edit);
    }
    const big = (await publisher.get(slug))!;
    console.log(
      `\nrebuild of ${big.itemCount} items (${big.body.length} bytes, gzip ${big.gzip.length}, br ${big.br.length}), database ${antenne.db.engine}; medians in ms [runs]`,
    );
    const phaseNames = ['read', 'render', 'compress', 'store'] as const;
    const baseline = median(runs['baseline: full render, one edit']!.map((r) => r.ms));
    for (const [label, stats] of Object.entries(runs)) {
      const ms = median(stats.map((r) => r.ms));
      const phases = phaseNames
        .map((p) => `${p} ${Math.round(median(stats.map((r) => r.phases[p])))}`)
        .join(' + ');
      const kept = Math.round(median(stats.map((r) => r.phases.keep)));
      const counts = stats[stats.length - 1]!.itemCounts;
      const cpu = Math.round(median(stats.map((r) => r.cpuMs)));
      console.log(
        `${label.padEnd(36)} ${String(Math.round(ms)).padStart(6)} ms  (${(baseline / ms).toFixed(1)}x baseline, CPU ${cpu} ms)  = ${phases}, then items kept ${kept}` +
          `  [${stats.map((r) => Math.round(r.ms)).join(', ')}]  items rendered ${counts.rendered}, held ${counts.held}, from table ${counts.stored}`,
      );
    }
    console.log(
      `targets: one edit < 500 ms, cold < 3000 ms; load average ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}, ${os.availableParallelism()} cores`,
    );
  } finally {
    nginx?.kill('SIGTERM');
    shipped?.kill('SIGTERM');
    await antenne.close();
    await fs.rm(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
