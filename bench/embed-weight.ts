/**
 * Compressed weight of the embeddable player: the HTML page (a typical episode
 * with chapters, and a bare one), the script and the style, each raw, gzip -9
 * and brotli q11 (what the router's compression sends is at most this size
 * plus a few bytes at its default levels, measured below too). Budget: 30 kB
 * (HTML+CSS+JS, compressed, before audio). Baseline in the same run: a bare
 * <audio controls> page.
 *
 *   npm run bench:embed
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { playerAssets } from '../embed/assets.js';
import { buildClientAssets } from '../scripts/build-assets.js';
import { ASSETS_DIR_VARIABLE } from '../src/http/client-assets.js';
import { renderEmbedPage } from '../embed/pages.js';
import { DEFAULT_THEME } from '../embed/theme.js';
import type { PlayerView } from '../embed/view.js';

const BUDGET = 30 * 1024;

const base: PlayerView = {
  kind: 'episode',
  id: 'k3m9x2q8w7e5r4t1',
  lang: 'fr',
  title: 'La Team Normandie « chef de file » du numérique [AUDIO]',
  episodeTitle: 'La Team Normandie « chef de file » du numérique [AUDIO]',
  showTitle: 'Normandie Numérique',
  articleUrl: 'https://example.org/2018/05/31/la-team-normandie-chef-de-file-du-numerique',
  artworkUrl: 'https://example.org/artwork.jpg',
  audio: {
    url: 'https://podcasts.example.org/media/public/episodes/k3m9x2q8w7e5r4t1/mp3-128k-762c7caa80cf.mp3',
    type: 'audio/mpeg',
    bytes: 28_000_000,
  },
  durationSeconds: 1745,
  peaksUrl:
    'https://podcasts.example.org/media/public/episodes/k3m9x2q8w7e5r4t1/peaks-578f50b27ecd.json',
  chapters: [],
  transcript: [],
  downloadUrl: null,
  shareUrl: 'https://podcasts.example.org/episodes/k3m9x2q8w7e5r4t1',
  embedUrl: 'https://podcasts.example.org/embed/episodes/k3m9x2q8w7e5r4t1',
  pageUrl: 'https://podcasts.example.org/episodes/k3m9x2q8w7e5r4t1',
};
const withChapters: PlayerView = {
  ...base,
  chapters: Array.from({ length: 8 }, (_, i) => ({
    startTime: i * 210,
    title: `Chapitre ${i + 1} : la « Team Normandie » et l’économie numérique`,
  })),
};

const gz = (b: Buffer) => gzipSync(b, { level: 9 }).length;
const gzDefault = (b: Buffer) => gzipSync(b).length;
const br = (b: Buffer) =>
  brotliCompressSync(b, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
const kb = (n: number) => `${(n / 1024).toFixed(2)} kB`;

function row(name: string, body: Buffer) {
  return { name, raw: body.length, gzip: gz(body), gzipDefault: gzDefault(body), brotli: br(body) };
}

// Measures the bundle the current sources make, built as `npm run build` builds it.
const assetsDir = await mkdtemp(path.join(os.tmpdir(), 'antenne-bench-assets-'));
await buildClientAssets(assetsDir);
process.env[ASSETS_DIR_VARIABLE] = assetsDir;
const assets = await playerAssets();
await rm(assetsDir, { recursive: true, force: true });
const page = (view: PlayerView) =>
  Buffer.from(
    renderEmbedPage(view, {
      startAt: null,
      theme: DEFAULT_THEME,
      assets: { js: `/embed/assets/${assets.js.name}`, css: `/embed/assets/${assets.css.name}` },
      mediaOrigin: 'https://podcasts.example.org',
    }).html,
  );
const bare = Buffer.from(
  `<!doctype html><html lang="fr"><meta charset="utf-8"><title>${base.title}</title><audio controls preload="metadata" src="${base.audio.url}"></audio></html>`,
);

const rows = [
  row('baseline: bare <audio controls> page', bare),
  row('player page (no chapters)', page(base)),
  row('player page (8 chapters)', page(withChapters)),
  row(`script ${assets.js.name}`, assets.js.body),
  row(`style ${assets.css.name}`, assets.css.body),
];
console.log('Embeddable player weight (bytes; gzip -9, gzip default, brotli q11)');
for (const r of rows)
  console.log(
    `${r.name.padEnd(44)} raw ${String(r.raw).padStart(6)}  gzip ${String(r.gzip).padStart(6)}  gzip(default) ${String(r.gzipDefault).padStart(6)}  br ${String(r.brotli).padStart(6)}`,
  );
const [, , chapters, js, css] = rows;
const total = (k: 'gzip' | 'gzipDefault' | 'brotli') => chapters![k] + js![k] + css![k];
console.log(
  `\nTotal HTML+CSS+JS (8-chapter page): gzip ${kb(total('gzip'))} · gzip(default) ${kb(total('gzipDefault'))} · brotli ${kb(total('brotli'))} · budget ${kb(BUDGET)} · ${total('gzipDefault') <= BUDGET ? 'within budget' : 'OVER BUDGET'}`,
);
console.log(
  `Baseline bare <audio> page: gzip ${kb(rows[0]!.gzip)}; the player adds ${kb(total('gzip') - rows[0]!.gzip)} (gzip).`,
);
console.log('Not counted: artwork image, peaks JSON (data, fetched once), audio.');
