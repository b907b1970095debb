/**
 * The player's script and style, built once per process with esbuild (bundled,
 * minified) and served under content-hashed names, so pages can cache them forever.
 * Works from the sources (tsx) and from the build (dist/embed/client/*.js).
 */
import { createHash } from 'node:crypto';
import { access, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build, transform } from 'esbuild';

export interface Asset {
  readonly name: string;
  readonly type: string;
  readonly body: Buffer;
}

export interface PlayerAssets {
  readonly js: Asset;
  readonly css: Asset;
}

async function firstExisting(candidates: readonly string[]): Promise<string> {
  for (const candidate of candidates) {
    const file = fileURLToPath(new URL(candidate, import.meta.url));
    if (
      await access(file).then(
        () => true,
        () => false,
      )
    )
      return file;
  }
  throw new Error(`Player asset not found: ${candidates.join(', ')}`);
}

const hashed = (base: string, ext: string, body: Buffer) =>
  `${base}.${createHash('sha256').update(body).digest('hex').slice(0, 10)}.${ext}`;

async function buildAssets(): Promise<PlayerAssets> {
  const entry = await firstExisting(['./client/player.ts', './client/player.js']);
  const cssFile = await firstExisting(['./client/player.css', '../../embed/client/player.css']);
  const js = await build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: 'iife',
    target: ['es2020'],
    write: false,
    logLevel: 'silent',
  });
  const jsBody = Buffer.from(js.outputFiles[0]!.contents);
  const css = await transform(await readFile(cssFile, 'utf8'), { loader: 'css', minify: true });
  const cssBody = Buffer.from(css.code, 'utf8');
  return {
    js: {
      name: hashed('player', 'js', jsBody),
      type: 'text/javascript; charset=utf-8',
      body: jsBody,
    },
    css: { name: hashed('player', 'css', cssBody), type: 'text/css; charset=utf-8', body: cssBody },
  };
}

let cached: Promise<PlayerAssets> | null = null;

export function playerAssets(): Promise<PlayerAssets> {
  cached ??= buildAssets().catch((error: unknown) => {
    cached = null;
    throw error;
  });
  return cached;
}
