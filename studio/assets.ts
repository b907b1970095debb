/** The studio's script and style, bundled once per process with esbuild, content-hashed names. */
import { createHash } from 'node:crypto';
import { access, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build, transform } from 'esbuild';

export interface StudioAsset {
  readonly name: string;
  readonly type: string;
  readonly body: Buffer;
}

async function firstExisting(candidates: readonly string[]): Promise<string> {
  for (const candidate of candidates) {
    const file = fileURLToPath(new URL(candidate, import.meta.url));
    const found = await access(file).then(
      () => true,
      () => false,
    );
    if (found) return file;
  }
  throw new Error(`Studio asset not found: ${candidates.join(', ')}`);
}

const hashed = (base: string, ext: string, body: Buffer) =>
  `${base}.${createHash('sha256').update(body).digest('hex').slice(0, 10)}.${ext}`;

async function buildAssets(): Promise<{ js: StudioAsset; css: StudioAsset }> {
  const entry = await firstExisting(['./client/studio.ts', './client/studio.js']);
  const cssFile = await firstExisting(['./client/studio.css', '../../studio/client/studio.css']);
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
      name: hashed('studio', 'js', jsBody),
      type: 'text/javascript; charset=utf-8',
      body: jsBody,
    },
    css: { name: hashed('studio', 'css', cssBody), type: 'text/css; charset=utf-8', body: cssBody },
  };
}

let cached: ReturnType<typeof buildAssets> | null = null;

export function studioAssets(): ReturnType<typeof buildAssets> {
  cached ??= buildAssets().catch((error: unknown) => {
    cached = null;
    throw error;
  });
  return cached;
}
