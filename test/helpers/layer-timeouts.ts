/**
 * Timeouts by what a test proves, read from where its file lives: a unit test that
 * needs seconds is no longer a unit test, while a browser test may start Chromium.
 */
import type { Hook, Suite, Test } from 'mocha';

export const LAYER_TIMEOUTS_MS = {
  unit: 5_000,
  integration: 30_000,
  e2e: 60_000,
  'e2e-browser': 90_000,
} as const;

export type Layer = keyof typeof LAYER_TIMEOUTS_MS;

/** Mocha's own default: a runnable still at this value was given no timeout. */
export const MOCHA_DEFAULT_TIMEOUT_MS = 2_000;

export function layerOf(file: string | undefined): Layer | null {
  const match = /(?:^|[\\/])test[\\/](unit|integration|e2e|e2e-browser)[\\/]/.exec(file ?? '');
  return match ? (match[1] as Layer) : null;
}

/**
 * Gives every hook and test that kept Mocha's default the timeout of its file's
 * layer (suites are left alone: setting theirs overwrites their tests'); explicit `this.timeout(…)` calls, and a `--timeout` on the command
 * line (the root then no longer holds the default), win. Hooks at a file's top level
 * belong to the root suite, which has no file: they get the longest timeout among
 * the layers loaded (in a parallel run, each worker loads one file).
 */
export function applyLayerTimeouts(root: Suite): void {
  if (root.timeout() !== MOCHA_DEFAULT_TIMEOUT_MS) return;
  const loaded = new Set<Layer>();
  const walk = (suite: Suite, inherited: Layer | null): void => {
    const layer = layerOf(suite.file) ?? inherited;
    if (layer) loaded.add(layer);
    for (const test of suite.tests) setIfDefault(test, layerOf(test.file) ?? layer);
    for (const hook of hooksOf(suite)) setIfDefault(hook, layer);
    for (const child of suite.suites) walk(child, layer);
  };
  for (const child of root.suites) walk(child, null);
  for (const test of root.tests) setIfDefault(test, layerOf(test.file));
  const longest = [...loaded].sort((a, b) => LAYER_TIMEOUTS_MS[b] - LAYER_TIMEOUTS_MS[a])[0];
  for (const hook of hooksOf(root)) setIfDefault(hook, longest ?? null);
}

function setIfDefault(runnable: Test | Hook, layer: Layer | null): void {
  if (layer && runnable.timeout() === MOCHA_DEFAULT_TIMEOUT_MS) {
    runnable.timeout(LAYER_TIMEOUTS_MS[layer]);
  }
}

/** Mocha keeps a suite's hooks in fields its type declarations do not list. */
function hooksOf(suite: Suite): Hook[] {
  const hooks = suite as unknown as Record<
    '_beforeAll' | '_beforeEach' | '_afterAll' | '_afterEach',
    Hook[]
  >;
  return [...hooks._beforeAll, ...hooks._beforeEach, ...hooks._afterAll, ...hooks._afterEach];
}
