import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import { createAntenne, type Antenne } from '../../src/compose/index.js';
import { loadConfig } from '../../src/core/config.js';
import { createLogger, type Logger } from '../../src/core/logger.js';
import { createScratchDatabase, migratedPglite, type Engine } from './databases.js';
import { tempDir } from './audio.js';
import { TEST_REDIS_URL } from './env.js';
import { withFreePort } from '../../support/ports.js';
import { ARTICLE, SHOW_INPUT } from '../fixtures/editorial.js';

export const TEST_TOKEN = 'test-editor-token-0123456789abcdef';
/** What an editor's API client sends. */
export const EDITOR_HEADERS = { authorization: `Bearer ${TEST_TOKEN}` } as const;

export interface TestApp {
  readonly baseUrl: string;
  readonly antenne: Antenne;
  readonly dataDir: string;
  readonly queuePrefix: string;
  /** fetch with the editor token. */
  authed(path: string, init?: RequestInit): Promise<Response>;
  /** Stops the app but keeps its data (dir, database, Redis keys): pass the result to `startTestApp({ restart })`. */
  stop(): Promise<RestartState>;
  close(): Promise<void>;
}

/** What a restarted app reuses: same data dir, database and Redis prefix. */
export interface RestartState {
  readonly dataDir: string;
  readonly queuePrefix: string;
  readonly databaseUrl: string | null;
  readonly dropDatabase: (() => Promise<void>) | null;
}

export interface TestAppOptions {
  engine: Engine;
  env?: Record<string, string>;
  worker?: boolean;
  /** Passed on to createAntenne (e.g. a chapters/transcript source for the player). */
  antenneOptions?: Omit<
    NonNullable<Parameters<typeof createAntenne>[2]>,
    'pgliteDir' | 'pgliteLoadDataDir'
  >;
  /** PGlite on disk under the data dir (not in memory), so a restart finds the data. */
  durable?: boolean;
  restart?: RestartState;
  /** The app's logger instead of one at TEST_LOG_LEVEL (a test that reads the logs). */
  logger?: Logger;
}

/**
 * The whole app in this process, on a free port, with its own data dir, its own
 * Redis key prefix and its own database (PGlite in memory or a scratch PostgreSQL db).
 */
export async function startTestApp(options: TestAppOptions): Promise<TestApp> {
  const dataDir = options.restart?.dataDir ?? (await tempDir('antenne-app-'));
  const queuePrefix =
    options.restart?.queuePrefix ?? `antenne-test-${randomBytes(5).toString('hex')}`;
  const scratch = options.restart
    ? options.restart.databaseUrl
      ? { url: options.restart.databaseUrl, drop: options.restart.dropDatabase! }
      : null
    : options.engine === 'postgres'
      ? await createScratchDatabase()
      : null;
  const durable = options.durable || Boolean(options.restart);
  // A new PGlite database starts from the run's migrated one (a restart finds its own).
  const pgliteLoadDataDir = scratch || options.restart ? undefined : await migratedPglite();
  // The public URL carries the port, so it is chosen before the app is built; another
  // process may take it in between (parallel test files, outgoing connections): then
  // the app is built again on another port.
  const { value: antenne, port } = await withFreePort(async (port) => {
    const config = loadConfig({
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      REDIS_URL: TEST_REDIS_URL,
      DATA_DIR: dataDir,
      EDITOR_TOKENS: TEST_TOKEN,
      QUEUE_PREFIX: queuePrefix,
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      SHUTDOWN_GRACE_SECONDS: '5',
      ...(scratch ? { DATABASE_URL: scratch.url } : {}),
      ...options.env,
    });
    const logger = options.logger ?? createLogger({ level: config.logLevel, pretty: false });
    const app = await createAntenne(config, logger, {
      ...options.antenneOptions,
      ...(scratch || durable ? {} : { pgliteDir: 'memory://' }),
      ...(pgliteLoadDataDir ? { pgliteLoadDataDir } : {}),
    });
    try {
      await app.listen(port);
    } catch (error) {
      await app.close();
      throw error;
    }
    return app;
  });
  if (options.worker !== false) await antenne.startWorker();
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    baseUrl,
    antenne,
    dataDir,
    queuePrefix,
    authed: (path, init = {}) =>
      fetch(`${baseUrl}${path}`, {
        ...init,
        headers: {
          authorization: `Bearer ${TEST_TOKEN}`,
          ...(init.headers as Record<string, string> | undefined),
        },
      }),
    async stop() {
      await antenne.close();
      return {
        dataDir,
        queuePrefix,
        databaseUrl: scratch?.url ?? null,
        dropDatabase: scratch?.drop ?? null,
      };
    },
    async close() {
      await antenne.close();
      await removeQueueData(queuePrefix);
      await scratch?.drop();
      await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Deletes every Redis key under a test's prefix. */
export async function removeQueueData(prefix: string): Promise<void> {
  const { Redis } = await import('ioredis');
  const redis = new Redis(TEST_REDIS_URL);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/**
 * One rendition, the MP3 enclosure: for suites whose assertions read no other
 * rendition, so that the worker encodes and measures one output instead of three
 * (about a third of the work; the ladder itself is test/e2e/audio-ladder.test.ts's).
 */
export const MP3_ONLY_LADDER: readonly string[] = ['mp3-128k'];

/**
 * Creates SHOW_INPUT's show through the API, as every end-to-end test starts;
 * with `ladder`, the show's renditions are those instead of the default ladder.
 */
export async function createTestShow(
  app: TestApp,
  { ladder }: { ladder?: readonly string[] } = {},
): Promise<void> {
  const res = await app.authed('/api/shows', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ladder ? { ...SHOW_INPUT, renditionProfiles: ladder } : SHOW_INPUT),
  });
  if (res.status !== 201) throw new Error(`POST /api/shows: ${res.status} ${await res.text()}`);
}

/**
 * Registers the mocha hooks of a suite that runs against one app: started in
 * `before` (after the hooks registered earlier, so `options` may be a function
 * of what they made), with SHOW_INPUT's show (on `ladder` if given) unless
 * `show: false`, and closed in `after`. The returned object stands for that app
 * once it runs.
 */
export function useTestApp(
  options: TestAppOptions | (() => TestAppOptions),
  { show = true, ladder }: { show?: boolean; ladder?: readonly string[] } = {},
): TestApp {
  let current: TestApp | undefined;
  before(async () => {
    current = await startTestApp(typeof options === 'function' ? options() : options);
    if (show) await createTestShow(current, { ladder });
  });
  after(async () => {
    await current?.close();
    current = undefined;
  });
  return new Proxy({} as TestApp, {
    get(_, key) {
      if (!current) throw new Error('the test app runs only between its before and after hooks');
      return Reflect.get(current, key) as unknown;
    },
  });
}

/**
 * Posts ARTICLE (with `overrides`) and its audio to SHOW_INPUT's show, as a CMS
 * would; the caller checks the answer.
 */
export async function uploadEpisode(
  app: TestApp,
  file: string,
  overrides: Record<string, string | string[]> = {},
  fileName?: string,
): Promise<Response> {
  return app.authed(`/api/shows/${SHOW_INPUT.slug}/episodes`, {
    method: 'POST',
    body: await episodeForm(file, { ...ARTICLE, ...overrides }, fileName),
  });
}

/** The episode form as a CMS would post it: repeated fields for lists. */
export async function episodeForm(
  file: string,
  fields: Record<string, string | string[]>,
  fileName?: string,
): Promise<FormData> {
  const form = new FormData();
  for (const [key, value] of Object.entries(fields)) {
    for (const v of Array.isArray(value) ? value : [value]) form.append(key, v);
  }
  const bytes = await fs.readFile(file);
  form.append('audio', new Blob([bytes]), fileName ?? file.split('/').pop());
  return form;
}

/** Polls the status URL with the editor token (as the CMS would) until the episode leaves processing. */
export async function waitForEpisode(
  baseUrl: string,
  id: string,
  until: (state: string) => boolean = (s) => s !== 'uploaded' && s !== 'processing',
  timeoutMs = 60_000,
): Promise<Record<string, unknown> & { state: string; progress: number }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await fetch(`${baseUrl}/api/episodes/${id}`, { headers: EDITOR_HEADERS });
    if (!res.ok) throw new Error(`GET /api/episodes/${id}: ${res.status} ${await res.text()}`);
    const body = (await res.json()) as Record<string, unknown> & {
      state: string;
      progress: number;
    };
    if (until(body.state)) return body;
    if (Date.now() > deadline)
      throw new Error(`episode ${id} still ${body.state} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 150));
  }
}
