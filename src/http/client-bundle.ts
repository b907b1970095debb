/**
 * A page's script and style, bundled and minified once per process with esbuild
 * and served under content-hashed names, so pages can cache them forever. Used by
 * the player (embed/) and the studio (studio/); works from the sources (tsx) and
 * from the build (dist/, where the .ts entry is .js and the CSS stays in the source tree).
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

export interface ClientBundle {
  readonly js: Asset;
  readonly css: Asset;
}

export interface ClientBundleSpec {
  /** Base of the hashed names: "player" → player.<hash>.js. */
  readonly name: string;
  /** The caller's `import.meta.url`: candidates are relative to it. */
  readonly from: string;
  readonly script: readonly string[];
  readonly style: readonly string[];
}

async function firstExisting(from: string, candidates: readonly string[]): Promise<string> {
  for (const candidate of candidates) {
    const file = fileURLToPath(new URL(candidate, from));
    const found = await access(file).then(
      () => true,
      () => false,
    );
    if (found) return file;
  }
  throw new Error(`Client asset not found: ${candidates.join(', ')}`);
}

const hashed = (base: string, ext: string, body: Buffer) =>
  `${base}.${createHash('sha256').update(body).digest('hex').slice(0, 10)}.${ext}`;

async function buildBundle(spec: ClientBundleSpec): Promise<ClientBundle> {
  const entry = await firstExisting(spec.from, spec.script);
  const cssFile = await firstExisting(spec.from, spec.style);
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
      name: hashed(spec.name, 'js', jsBody),
      type: 'text/javascript; charset=utf-8',
      body: jsBody,
    },
    css: {
      name: hashed(spec.name, 'css', cssBody),
      type: 'text/css; charset=utf-8',
      body: cssBody,
    },
  };
}

/** Builds on first use and keeps the result; a failed build is tried again next time. */
export function clientBundle(spec: ClientBundleSpec): () => Promise<ClientBundle> {
  let cached: Promise<ClientBundle> | null = null;
  return () => {
    cached ??= buildBundle(spec).catch((error: unknown) => {
      cached = null;
      throw error;
    });
    return cached;
  };
}
