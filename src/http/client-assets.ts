/**
 * The player's and the studio's script and style, bundled at build time
 * (scripts/build-assets.ts, run by `npm run build`) under content-hashed names, so
 * pages can cache them forever. The server only reads the files: no bundler at run time.
 * They are in `dist/assets/` of the package, or in the directory ANTENNE_ASSETS_DIR
 * names (the test suite builds its own once per run).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Entry points, relative to the package root. */
export const CLIENT_BUNDLES = {
  player: { script: 'embed/client/player.ts', style: 'embed/client/player.css' },
  studio: { script: 'studio/client/studio.ts', style: 'studio/client/studio.css' },
} as const;
export type BundleName = keyof typeof CLIENT_BUNDLES;

/** What the build writes beside the files: each bundle's hashed file names. */
export type AssetManifest = Record<BundleName, { readonly js: string; readonly css: string }>;
export const MANIFEST_FILE = 'manifest.json';
export const ASSETS_DIR_VARIABLE = 'ANTENNE_ASSETS_DIR';

export interface Asset {
  readonly name: string;
  readonly type: string;
  readonly body: Buffer;
}

export interface ClientBundle {
  readonly js: Asset;
  readonly css: Asset;
}

/** The directory holding package.json, from the sources or from dist/. */
export function packageRoot(from = path.dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`No package.json above ${from}`);
  }
}

export const defaultAssetsDir = () => path.join(packageRoot(), 'dist', 'assets');

export function assetsDir(): string {
  return process.env[ASSETS_DIR_VARIABLE] || defaultAssetsDir();
}

async function load(name: BundleName): Promise<ClientBundle> {
  const dir = assetsDir();
  let manifest: AssetManifest;
  try {
    manifest = JSON.parse(await readFile(path.join(dir, MANIFEST_FILE), 'utf8')) as AssetManifest;
  } catch (error) {
    throw new Error(
      `The client assets are not built in ${dir}: run \`npm run build\` (or \`tsx scripts/build-assets.ts\`).`,
      { cause: error },
    );
  }
  const files = manifest[name];
  const read = async (file: string, type: string): Promise<Asset> => ({
    name: file,
    type,
    body: await readFile(path.join(dir, file)),
  });
  return {
    js: await read(files.js, 'text/javascript; charset=utf-8'),
    css: await read(files.css, 'text/css; charset=utf-8'),
  };
}

/** Read on first use and kept; a failed read is tried again next time. */
export function clientAssets(name: BundleName): () => Promise<ClientBundle> {
  let cached: Promise<ClientBundle> | null = null;
  return () => {
    cached ??= load(name).catch((error: unknown) => {
      cached = null;
      throw error;
    });
    return cached;
  };
}
