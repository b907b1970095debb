/**
 * What a reader's browser downloads from our origin for the embeddable player
 * of a 2-minute and a 60-minute interview: every same-origin response but the
 * audio itself (the page with 8 chapters, its script and style, the waveform
 * peaks), fetched over HTTP from a running Antenne as a browser asks for them
 * (Accept-Encoding: gzip, deflate, br), bytes on the wire (bodies). Budget:
 * 30 kB whatever the length.
 *
 * Side by side in the same run, the baseline: the same page, script and style
 * with the full-resolution peaks the embed used to read, as /media used to
 * send them (uncompressed). Also the full set compressed, for the studio.
 *
 * The episodes are inserted without the pipeline (no renditions are encoded),
 * but their peaks come from the worker's code path: the PCM ffmpeg writes for
 * them (speech from bench/speech.ts, looped to the length) folded into both
 * sets by storePeakSets and recorded by EpisodesRepository.setPeaks.
 *
 *   npm run bench:embed
 */
import http from 'node:http';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { buildClientAssets } from '../scripts/build-assets.js';
import { ASSETS_DIR_VARIABLE } from '../src/http/client-assets.js';
import { createAntenne, type Antenne } from '../src/compose/index.js';
import { loadConfig } from '../src/core/config.js';
import { newPublicationKey } from '../src/core/ids.js';
import { createLogger } from '../src/core/logger.js';
import { peaksPcmOptions } from '../src/media/peaks.js';
import { episodePeaksKeys, storePeakSets } from '../src/services/peak-files.js';
import { defaultMediaBase, publishedMediaUrl } from '../src/http/media-urls.js';
import { insertEpisodeWithMp3 } from '../support/bulk-episodes.js';
import { freePort } from '../support/ports.js';
import { ffmpeg, makeSpeech } from './speech.js';

const BUDGET = 30 * 1024;
const COL = 28;
const TOKEN = 'bench-token-0123456789abcdef';
const BROWSER = 'gzip, deflate, br';
const LENGTHS = [
  { name: '2 min', seconds: 120 },
  { name: '60 min', seconds: 3600 },
];

/** One GET as the browser sends it, without decompressing: what crosses the network. */
function get(url: string, acceptEncoding: string | null) {
  return new Promise<{ status: number; bytes: number; encoding: string; body: Buffer }>(
    (resolve, reject) => {
      const req = http.get(
        url,
        { headers: acceptEncoding ? { 'accept-encoding': acceptEncoding } : {} },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const body = Buffer.concat(chunks);
            resolve({
              status: res.statusCode ?? 0,
              bytes: body.length,
              encoding: String(res.headers['content-encoding'] ?? 'identity'),
              body,
            });
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
    },
  );
}

async function ok(url: string, acceptEncoding: string | null) {
  const res = await get(url, acceptEncoding);
  if (res.status !== 200) throw new Error(`${url}: ${res.status}`);
  return res;
}

async function startAntenne(dir: string): Promise<{ antenne: Antenne; base: string }> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const config = loadConfig({
    ...process.env,
    DATA_DIR: dir,
    PUBLIC_URL: base,
    LOG_LEVEL: 'error',
    QUEUE_PREFIX: `antenne-bench-${randomBytes(4).toString('hex')}`,
    EDITOR_TOKENS: TOKEN,
  });
  const antenne = await createAntenne(config, createLogger({ level: 'error', pretty: false }));
  await antenne.listen(port);
  return { antenne, base };
}

async function api(base: string, method: string, urlPath: string, body: unknown) {
  const res = await fetch(`${base}${urlPath}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${urlPath}: ${res.status} ${await res.text()}`);
  return (await res.json()) as Record<string, unknown>;
}

/** A published episode of `seconds` with 8 chapters and both peak sets, as the worker stores them. */
async function episodeOf(
  antenne: Antenne,
  base: string,
  showId: string,
  seconds: number,
  work: string,
) {
  const publicationKey = newPublicationKey();
  const { id, key } = await insertEpisodeWithMp3(antenne.db.db, {
    showId,
    state: 'published',
    publicationKey,
    title: 'La Team Normandie « chef de file » du numérique',
    bytes: seconds * 16_000,
    durationSeconds: seconds,
  });
  // Never fetched (the audio is not counted); stored so the episode is whole.
  await antenne.storage.putBytes(key, Buffer.alloc(1024));
  const pcm = path.join(work, `peaks-${seconds}s.pcm`);
  const speech = await makeSpeech(600);
  await ffmpeg([
    ...['-stream_loop', '-1', '-i', speech, '-t', String(seconds)],
    // A level that drifts and never repeats within the hour, as voices and rooms do: a loop
    // alone would make the peaks repeat, which compresses far better than real speech.
    ...['-af', `volume='0.2+0.8*abs(sin(t*0.37)*sin(t*0.1129+1))':eval=frame`],
    ...peaksPcmOptions(),
    pcm,
  ]);
  const keys = await storePeakSets(antenne.storage, episodePeaksKeys(id), pcm);
  await antenne.repos.episodes.setPeaks(id, keys);
  await api(base, 'PUT', `/api/episodes/${id}/chapters`, {
    version: '1.2.0',
    chapters: Array.from({ length: 8 }, (_, i) => ({
      startTime: Math.floor((i * seconds) / 8),
      title: `Chapitre ${i + 1} : la « Team Normandie » et l’économie numérique`,
    })),
  });
  return {
    id,
    fullPeaksUrl: publishedMediaUrl(defaultMediaBase(base), publicationKey, keys.peaksKey),
  };
}

/** The player's same-origin requests but the audio: the page, what it links, the peaks it reads. */
async function embedWeight(base: string, episodeId: string, acceptEncoding: string) {
  const page = await ok(`${base}/embed/episodes/${episodeId}`, acceptEncoding);
  const html = (await get(`${base}/embed/episodes/${episodeId}`, null)).body.toString();
  const linked = [...html.matchAll(/(?:src|href)="(\/embed\/assets\/[^"]+)"/g)].map((m) => m[1]!);
  const peaksUrl = /data-peaks="([^"]+)"/.exec(html)?.[1]?.replaceAll('&amp;', '&');
  if (linked.length !== 2 || !peaksUrl) throw new Error('the page links no script, style or peaks');
  if (new URL(peaksUrl).origin !== base) throw new Error('peaks are not same-origin');
  const assets = await Promise.all(linked.map((p) => ok(`${base}${p}`, acceptEncoding)));
  const peaks = await ok(peaksUrl, acceptEncoding);
  return {
    peaksUrl,
    page,
    script: assets.find((_, i) => linked[i]!.endsWith('.js'))!,
    style: assets.find((_, i) => linked[i]!.endsWith('.css'))!,
    peaks,
  };
}

const kB = (n: number) => `${(n / 1024).toFixed(1)} kB`;
const cell = (r: { bytes: number; encoding: string }) =>
  `${kB(r.bytes)} ${r.encoding === 'identity' ? '' : `(${r.encoding})`}`.padEnd(COL);

const work = await fs.mkdtemp(path.join(os.tmpdir(), 'antenne-bench-embed-'));
const assetsDir = path.join(work, 'assets');
await buildClientAssets(assetsDir);
process.env[ASSETS_DIR_VARIABLE] = assetsDir;
const { antenne, base } = await startAntenne(path.join(work, 'data'));
try {
  const show = await api(base, 'POST', '/api/shows', {
    slug: 'banc-d-essai',
    title: 'Normandie Numérique',
    description: 'Mesure du poids du lecteur.',
    language: 'fr',
    author: 'La rédaction',
    owner: { name: 'La rédaction', email: 'podcast@example.org' },
    category: 'News',
    siteUrl: 'https://example.org/',
  });
  console.log(
    'Embeddable player: bytes on the wire from our origin, audio excluded (page with 8 chapters, script, style, peaks)\n',
  );
  const header = ['', ...LENGTHS.flatMap((l) => [`${l.name}: now`, `${l.name}: baseline`])];
  console.log(header.map((h, i) => (i === 0 ? h.padEnd(34) : h.padEnd(COL))).join(''));
  const rows: Record<string, string[]> = {};
  const totals: string[] = [];
  const verdicts: string[] = [];
  for (const length of LENGTHS) {
    const episode = await episodeOf(antenne, base, String(show.id), length.seconds, work);
    const now = await embedWeight(base, episode.id, BROWSER);
    const gzipOnly = await embedWeight(base, episode.id, 'gzip');
    // Before: the full set, sent as stored.
    const fullAsBefore = await ok(episode.fullPeaksUrl, null);
    const fullCompressed = await ok(episode.fullPeaksUrl, BROWSER);
    const add = (name: string, a: string, b: string) => (rows[name] ??= []).push(a, b);
    add('page (HTML, 8 chapters)', cell(now.page), cell(now.page));
    add('script', cell(now.script), cell(now.script));
    add('style', cell(now.style), cell(now.style));
    const bars = (r: { body: Buffer }) =>
      (JSON.parse(r.body.toString()) as { length: number }).length;
    const playerAsStored = await ok(now.peaksUrl, null);
    add('peaks: bars', `${bars(playerAsStored)}`, `${bars(fullAsBefore)}`);
    add('peaks: bytes', cell(now.peaks), cell(fullAsBefore));
    add('peaks: bytes, as stored', cell(playerAsStored), cell(fullAsBefore));
    add('full set, compressed (studio)', '', cell(fullCompressed));
    const total = now.page.bytes + now.script.bytes + now.style.bytes + now.peaks.bytes;
    const totalGzip =
      gzipOnly.page.bytes + gzipOnly.script.bytes + gzipOnly.style.bytes + gzipOnly.peaks.bytes;
    const before = now.page.bytes + now.script.bytes + now.style.bytes + fullAsBefore.bytes;
    totals.push(`${kB(total)} (gzip-only ${kB(totalGzip)})`.padEnd(COL), kB(before).padEnd(COL));
    verdicts.push(
      `${length.name}: ${kB(total)} (br) / ${kB(totalGzip)} (gzip only) vs ${kB(before)} before: ${(before / total).toFixed(0)}× lighter; budget ${kB(BUDGET)}: ${Math.max(total, totalGzip) <= BUDGET ? 'within' : 'OVER'}`,
    );
  }
  for (const [name, cells] of Object.entries(rows))
    console.log(`${name.padEnd(34)}${cells.map((c) => c.padEnd(COL)).join('')}`);
  console.log(`${'TOTAL'.padEnd(34)}${totals.join('')}`);
  console.log('');
  for (const v of verdicts) console.log(v);
  console.log(
    '\nNot counted: the audio; the artwork (the newsroom’s own image, often on another origin); a transcript, which the page inlines when an editor gives one.',
  );
} finally {
  await antenne.close();
  await fs.rm(work, { recursive: true, force: true });
}
