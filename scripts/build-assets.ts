/**
 * Bundles and minifies the player's and the studio's script and style with esbuild
 * into content-hashed files plus a manifest.json (read by src/http/client-assets.ts).
 * Run by `npm run build` into dist/assets; `tsx scripts/build-assets.ts <dir>` elsewhere.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, transform } from 'esbuild';
import {
  CLIENT_BUNDLES,
  defaultAssetsDir,
  MANIFEST_FILE,
  packageRoot,
  type AssetManifest,
  type BundleName,
} from '../src/http/client-assets.js';

const hashed = (base: string, ext: string, body: Uint8Array) =>
  `${base}.${createHash('sha256').update(body).digest('hex').slice(0, 10)}.${ext}`;

async function bundle(root: string, name: BundleName, outDir: string) {
  const spec = CLIENT_BUNDLES[name];
  const js = await build({
    entryPoints: [path.join(root, spec.script)],
    bundle: true,
    minify: true,
    format: 'iife',
    target: ['es2020'],
    write: false,
    logLevel: 'silent',
  });
  const jsBody = js.outputFiles[0]!.contents;
  const css = await transform(await readFile(path.join(root, spec.style), 'utf8'), {
    loader: 'css',
    minify: true,
  });
  const cssBody = Buffer.from(css.code, 'utf8');
  const files = { js: hashed(name, 'js', jsBody), css: hashed(name, 'css', cssBody) };
  await writeFile(path.join(outDir, files.js), jsBody);
  await writeFile(path.join(outDir, files.css), cssBody);
  return files;
}

/** Empties `outDir` and writes every bundle and the manifest into it. */
export async function buildClientAssets(outDir: string): Promise<AssetManifest> {
  const root = packageRoot();
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  const manifest: AssetManifest = {
    player: await bundle(root, 'player', outDir),
    studio: await bundle(root, 'studio', outDir),
  };
  await writeFile(path.join(outDir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const outDir = path.resolve(process.argv[2] ?? defaultAssetsDir());
  const manifest = await buildClientAssets(outDir);
  console.log(
    `Client assets in ${outDir}: ${Object.values(manifest)
      .flatMap((f) => [f.js, f.css])
      .join(', ')}`,
  );
}
