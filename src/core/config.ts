import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_LADDER } from './media-types.js';
import { ladderSchema } from './schemas.js';
import { countingMediaBase, defaultMediaBase, mediaBase, type MediaBase } from './urls.js';

/** Reads a boolean the way operators write it in an environment file. */
const envBoolean = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const byteSize = z
  .string()
  .regex(/^\d+(\.\d+)?\s*(b|kb|mb|gb|kib|mib|gib)?$/i, 'a size such as 500MB, 2GiB or 1048576')
  .transform(parseByteSize);

/** "a, b,,c" → ['a', 'b', 'c']: how lists are written in one environment variable. */
const splitList = (text: string) =>
  text
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

const commaList = z.string().transform(splitList);

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().default('0.0.0.0'),
  PUBLIC_URL: z
    .url({
      protocol: /^https?$/,
      error: 'an absolute http(s) URL, such as https://podcasts.example.org',
    })
    .optional(),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'a redis:// or rediss:// URL')
    .default('redis://127.0.0.1:6379'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'a postgres:// URL')
    .optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  MAX_UPLOAD_SIZE: byteSize.default(2 * 1024 ** 3),
  /** Whole-body deadline of every request that is not a streamed upload (JSON, forms). */
  REQUEST_BODY_TIMEOUT_SECONDS: z.coerce.number().positive().max(600).default(15),
  /** Uploads (audio, artwork, transcripts) have no deadline, only this much silence between bytes. */
  UPLOAD_IDLE_TIMEOUT_SECONDS: z.coerce.number().positive().max(3600).default(60),
  /** A resumable upload (tus) that receives nothing for this long is removed. */
  UPLOAD_EXPIRY_HOURS: z.coerce.number().positive().default(24),
  MAX_AUDIO_DURATION_SECONDS: z.coerce
    .number()
    .positive()
    .default(6 * 3600),
  EDITOR_TOKENS: commaList
    .pipe(z.array(z.string().min(16, 'each token must be at least 16 characters')))
    .optional(),
  FFMPEG_PATH: z.string().default('ffmpeg'),
  FFPROBE_PATH: z.string().default('ffprobe'),
  FFMPEG_TIMEOUT_SECONDS: z.coerce
    .number()
    .positive()
    .default(3 * 3600),
  /** Default: as many jobs as the cores keep busy at ENCODE_PARALLELISM processes each. */
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).optional(),
  /** ffmpeg processes per job (one audio process uses one core). */
  ENCODE_PARALLELISM: z.coerce.number().int().min(1).max(16).default(2),
  /** The rendition ladder of shows that do not set their own: comma-separated profile names. */
  AUDIO_LADDER: commaList.pipe(ladderSchema).optional(),
  /** BullMQ lock of a running job; a dead worker's job is taken over after about this long. */
  WORKER_LOCK_SECONDS: z.coerce.number().positive().default(60),
  WORKER_STALLED_INTERVAL_SECONDS: z.coerce.number().positive().default(30),
  QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/)
    .default('antenne'),
  SHUTDOWN_GRACE_SECONDS: z.coerce.number().min(0).default(20),
  LOGIN_ATTEMPTS_PER_15_MIN: z.coerce.number().int().min(1).default(10),
  SESSION_TTL_HOURS: z.coerce.number().positive().default(12),
  PREFILL_ALLOWED_HOSTS: z.string().optional(),
  PREFILL_ALLOW_PRIVATE: envBoolean.default(false),
  /** A WebSub hub: named in every feed, and told of every feed change (docs/websub.md). */
  WEBSUB_HUB_URL: z
    .url({
      protocol: /^https?$/,
      error: 'an absolute http(s) URL, such as https://pubsubhubbub.appspot.com/',
    })
    .optional(),
  /** The hub may be on a private or loopback address (a newsroom's own hub, tests). */
  WEBSUB_ALLOW_PRIVATE: envBoolean.default(false),
  ADMIN_EMAIL: z.email('an e-mail address').optional(),
  ADMIN_PASSWORD: z.string().min(12, 'at least 12 characters').optional(),
  /**
   * Behind a reverse proxy (nginx in docker-compose): which hops' X-Forwarded-For to
   * believe, as Express's "trust proxy" (a hop count, or addresses/subnets such as
   * `uniquelocal`). Without it every client looks like the proxy to the sign-in limit.
   */
  TRUST_PROXY: z
    .string()
    .transform((v): number | string => (/^\d+$/.test(v) ? Number(v) : v))
    .optional(),
  /** A separate port for /metrics (Prometheus), on METRICS_HOST; absent: none. */
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  METRICS_HOST: z.string().default('127.0.0.1'),
  /** /metrics on the API port too, for `Authorization: Bearer <token>`; absent: none. */
  METRICS_TOKEN: z.string().min(16, 'at least 16 characters').optional(),
  /**
   * Audience counting (docs/privacy.md): `on` (default) counts downloads and player
   * listens, `off` counts nothing, stores nothing and leaves media URLs as they are.
   */
  AUDIENCE: z.enum(['on', 'off']).default('on'),
  /** How often the buffered audience events are added to the database. */
  AUDIENCE_AGGREGATE_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_PRETTY: envBoolean.default(false),
  ...storageEnv(),
  ...mediaDeliveryEnv(),
});

/** How media bytes reach listeners (docs/scaling.md, "Media delivery"). */
function mediaDeliveryEnv() {
  const httpUrl = z.url({ protocol: /^https?$/, error: 'an absolute http(s) URL' });
  return {
    /** Media URLs start here instead of PUBLIC_URL/media: a CDN or proxy pulling from /media. */
    MEDIA_PUBLIC_URL: httpUrl.optional(),
    /** Local disk behind nginx: /media answers X-Accel-Redirect to this internal location. */
    MEDIA_ACCEL_REDIRECT: z
      .string()
      .regex(/^\/([A-Za-z0-9_-][A-Za-z0-9._-]*\/)+$/, 'a path such as /_protected-media/')
      .optional(),
    /** `storage`: /media answers a redirect to a short-lived presigned URL of the object. */
    MEDIA_REDIRECT: z.enum(['storage']).optional(),
    /** The bucket's endpoint as clients reach it, when it differs from AWS_ENDPOINT_URL_S3. */
    MEDIA_STORAGE_PUBLIC_URL: httpUrl.optional(),
  };
}

function mediaDeliveryEnvProblems(env: Record<string, string | undefined>): string[] {
  const problems: string[] = [];
  if (env.MEDIA_ACCEL_REDIRECT && env.S3_BUCKET) {
    problems.push(
      'MEDIA_ACCEL_REDIRECT: nginx sends files from local disk, but S3_BUCKET keeps them in a bucket (use MEDIA_REDIRECT=storage)',
    );
  }
  if (env.MEDIA_REDIRECT && !env.S3_BUCKET) {
    problems.push(
      'MEDIA_REDIRECT: redirects to presigned URLs of a bucket, but S3_BUCKET is not set (on local disk, use MEDIA_ACCEL_REDIRECT)',
    );
  }
  if (env.MEDIA_STORAGE_PUBLIC_URL && !env.MEDIA_REDIRECT) {
    problems.push('MEDIA_STORAGE_PUBLIC_URL: only used with MEDIA_REDIRECT=storage');
  }
  return problems;
}

/**
 * Who sends a file once /media has allowed it: this process (`stream`), nginx in
 * front (`accel-redirect`, local disk), or the bucket itself (`storage-redirect`).
 */
export type MediaDelivery =
  | { readonly kind: 'stream' }
  | { readonly kind: 'accel-redirect'; readonly prefix: string }
  | { readonly kind: 'storage-redirect'; readonly publicEndpoint: string | undefined };

function mediaDelivery(e: z.infer<typeof envSchema>): MediaDelivery {
  if (e.MEDIA_ACCEL_REDIRECT) return { kind: 'accel-redirect', prefix: e.MEDIA_ACCEL_REDIRECT };
  if (e.MEDIA_REDIRECT === 'storage') {
    return { kind: 'storage-redirect', publicEndpoint: e.MEDIA_STORAGE_PUBLIC_URL };
  }
  return { kind: 'stream' };
}

/** Storage: files under DATA_DIR/media, or an S3-compatible bucket when S3_BUCKET is set. */
function storageEnv() {
  const endpoint = z.url({
    protocol: /^https?$/,
    error: 'an http(s) URL, such as http://minio:9000',
  });
  return {
    S3_BUCKET: z
      .string()
      .regex(
        /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
        'a bucket name: 3 to 63 lowercase letters, digits, dots and hyphens',
      )
      .optional(),
    /** Keys are stored under this folder of the bucket. */
    S3_PREFIX: z
      .string()
      .transform((s) => s.replace(/^\/+|\/+$/g, ''))
      .pipe(
        z
          .string()
          .regex(
            /^([A-Za-z0-9_-][A-Za-z0-9._-]*(\/[A-Za-z0-9_-][A-Za-z0-9._-]*)*)?$/,
            'a folder name such as antenne/media',
          ),
      )
      .optional(),
    /** MinIO and most servers other than AWS want bucket names in the path. */
    S3_FORCE_PATH_STYLE: envBoolean.default(false),
    AWS_ENDPOINT_URL_S3: endpoint.optional(),
    AWS_ENDPOINT_URL: endpoint.optional(),
    AWS_REGION: z.string().optional(),
    AWS_DEFAULT_REGION: z.string().optional(),
    AWS_ACCESS_KEY_ID: z.string().optional(),
    AWS_SECRET_ACCESS_KEY: z.string().optional(),
    AWS_SESSION_TOKEN: z.string().optional(),
  };
}

/** What the schema cannot see field by field: variables that only mean something together. */
function storageEnvProblems(env: Record<string, string | undefined>): string[] {
  const problems: string[] = [];
  if (!env.S3_BUCKET) {
    for (const name of ['S3_PREFIX', 'S3_FORCE_PATH_STYLE'] as const) {
      if (env[name]) problems.push(`${name}: only used with S3_BUCKET, which is not set`);
    }
  } else if (Boolean(env.AWS_ACCESS_KEY_ID) !== Boolean(env.AWS_SECRET_ACCESS_KEY)) {
    problems.push(
      'AWS_SECRET_ACCESS_KEY: set both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or neither (an instance role, ~/.aws)',
    );
  }
  return problems;
}

export interface S3StorageConfig {
  readonly kind: 's3';
  readonly bucket: string;
  /** Prepended to every key: '' or a folder ending with '/'. */
  readonly prefix: string;
  readonly region: string;
  /** undefined: AWS itself. */
  readonly endpoint: string | undefined;
  readonly forcePathStyle: boolean;
  /** undefined: the SDK's own chain (process environment, ~/.aws, instance role). */
  readonly credentials:
    | {
        readonly accessKeyId: string;
        readonly secretAccessKey: string;
        readonly sessionToken?: string | undefined;
      }
    | undefined;
}

export type StorageConfig =
  { readonly kind: 'local-disk'; readonly root: string } | S3StorageConfig;

function storageConfig(e: z.infer<typeof envSchema>, dataDir: string): StorageConfig {
  if (!e.S3_BUCKET) return { kind: 'local-disk', root: path.join(dataDir, 'media') };
  return {
    kind: 's3',
    bucket: e.S3_BUCKET,
    prefix: e.S3_PREFIX ? `${e.S3_PREFIX}/` : '',
    region: e.AWS_REGION ?? e.AWS_DEFAULT_REGION ?? 'us-east-1',
    endpoint: e.AWS_ENDPOINT_URL_S3 ?? e.AWS_ENDPOINT_URL,
    forcePathStyle: e.S3_FORCE_PATH_STYLE,
    credentials:
      e.AWS_ACCESS_KEY_ID && e.AWS_SECRET_ACCESS_KEY
        ? {
            accessKeyId: e.AWS_ACCESS_KEY_ID,
            secretAccessKey: e.AWS_SECRET_ACCESS_KEY,
            sessionToken: e.AWS_SESSION_TOKEN,
          }
        : undefined,
  };
}

export interface Config {
  readonly port: number;
  readonly host: string;
  /** Absolute base URL for feed, enclosure and status links; no trailing slash. */
  readonly publicUrl: string;
  readonly redisUrl: string;
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
  /** Where originals, renditions, peaks and feeds are stored. */
  readonly storage: StorageConfig;
  readonly media: {
    /** Where /media is reached from outside: PUBLIC_URL/media, or MEDIA_PUBLIC_URL. */
    readonly publicBase: MediaBase;
    /**
     * Where feeds and the player point for episode audio: publicBase, or with a CDN
     * (MEDIA_PUBLIC_URL) and audience counting on, the counting redirect on this
     * server (PUBLIC_URL/listen: counts, then 302 to the same path on the CDN).
     */
    readonly audioBase: MediaBase;
    readonly delivery: MediaDelivery;
  };
  /**
   * Audience counting: off, at /media itself (bytes or redirects from this server),
   * or at the counting redirect (media on a CDN, whose pulls from /media are no listeners).
   */
  readonly audience: {
    readonly countAt: 'media' | 'redirect' | null;
    readonly aggregateEveryMs: number;
  };
  readonly maxUploadBytes: number;
  readonly maxAudioDurationSeconds: number;
  /** How long a request may take to send its whole body (every route but streamed uploads). */
  readonly requestBodyTimeoutMs: number;
  /** How long a streamed upload may send nothing before it is aborted. */
  readonly uploadIdleTimeoutMs: number;
  /** How long a resumable upload may receive nothing before it is removed. */
  readonly uploadExpiryMs: number;
  /** Editor API tokens; undefined means "generate one under DATA_DIR" (embedded default). */
  readonly editorTokens: readonly string[] | undefined;
  readonly ffmpegPath: string;
  readonly ffprobePath: string;
  readonly ffmpegTimeoutMs: number;
  readonly workerConcurrency: number;
  readonly encodeParallelism: number;
  readonly audioLadder: readonly string[];
  readonly workerLockMs: number;
  readonly workerStalledIntervalMs: number;
  readonly queuePrefix: string;
  readonly shutdownGraceMs: number;
  readonly sessionTtlMs: number;
  readonly loginAttemptsPer15Min: number;
  /** Article prefill: host names (or IPs) allowed even when private, and a switch for all private ranges. */
  readonly prefill: { readonly allowedHosts: readonly string[]; readonly allowPrivate: boolean };
  /** The WebSub hub feeds name and are announced to; undefined: none. */
  readonly websub: { readonly hubUrl: string; readonly allowPrivate: boolean } | undefined;
  /** First administrator, created on start when there is no account yet. */
  readonly initialAdmin: { readonly email: string; readonly password: string } | undefined;
  /** Express's "trust proxy": undefined when Antenne faces clients directly. */
  readonly trustProxy: number | string | undefined;
  /** Where /metrics is served: a port of its own, the API port behind a token, both or neither. */
  readonly metrics: {
    readonly port: number | undefined;
    readonly host: string;
    readonly token: string | undefined;
  };
  readonly logLevel: string;
  readonly logPretty: boolean;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Turns the environment into one frozen Config, listing every problem at once. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const cleaned = Object.fromEntries(
    Object.entries(env).filter(([, v]) => v !== undefined && v !== ''),
  );
  const parsed = envSchema.safeParse(cleaned);
  const problems = [
    ...(parsed.success
      ? []
      : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`)),
    ...storageEnvProblems(cleaned),
    ...mediaDeliveryEnvProblems(cleaned),
    ...(cleaned.WEBSUB_ALLOW_PRIVATE && !cleaned.WEBSUB_HUB_URL
      ? ['WEBSUB_ALLOW_PRIVATE: only used with WEBSUB_HUB_URL, which is not set']
      : []),
  ];
  if (!parsed.success || problems.length) throw new ConfigError(problems);
  const e = parsed.data;
  const dataDir = path.resolve(e.DATA_DIR);
  const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, '');
  const publicBase = e.MEDIA_PUBLIC_URL
    ? mediaBase(e.MEDIA_PUBLIC_URL)
    : defaultMediaBase(publicUrl);
  const countAt = e.AUDIENCE === 'off' ? null : e.MEDIA_PUBLIC_URL ? 'redirect' : 'media';
  return Object.freeze({
    port: e.PORT,
    host: e.HOST,
    publicUrl,
    redisUrl: e.REDIS_URL,
    databaseUrl: e.DATABASE_URL,
    dataDir,
    storage: Object.freeze(storageConfig(e, dataDir)),
    media: Object.freeze({
      publicBase,
      audioBase: countAt === 'redirect' ? countingMediaBase(publicUrl) : publicBase,
      delivery: Object.freeze(mediaDelivery(e)),
    }),
    audience: Object.freeze({ countAt, aggregateEveryMs: e.AUDIENCE_AGGREGATE_SECONDS * 1000 }),
    maxUploadBytes: e.MAX_UPLOAD_SIZE,
    maxAudioDurationSeconds: e.MAX_AUDIO_DURATION_SECONDS,
    requestBodyTimeoutMs: e.REQUEST_BODY_TIMEOUT_SECONDS * 1000,
    uploadIdleTimeoutMs: e.UPLOAD_IDLE_TIMEOUT_SECONDS * 1000,
    uploadExpiryMs: Math.round(e.UPLOAD_EXPIRY_HOURS * 3600_000),
    editorTokens: e.EDITOR_TOKENS ? Object.freeze([...e.EDITOR_TOKENS]) : undefined,
    ffmpegPath: e.FFMPEG_PATH,
    ffprobePath: e.FFPROBE_PATH,
    ffmpegTimeoutMs: e.FFMPEG_TIMEOUT_SECONDS * 1000,
    workerConcurrency:
      e.WORKER_CONCURRENCY ??
      Math.max(1, Math.floor(os.availableParallelism() / e.ENCODE_PARALLELISM)),
    encodeParallelism: e.ENCODE_PARALLELISM,
    audioLadder: Object.freeze([...(e.AUDIO_LADDER ?? DEFAULT_LADDER)]),
    workerLockMs: e.WORKER_LOCK_SECONDS * 1000,
    workerStalledIntervalMs: e.WORKER_STALLED_INTERVAL_SECONDS * 1000,
    queuePrefix: e.QUEUE_PREFIX,
    shutdownGraceMs: e.SHUTDOWN_GRACE_SECONDS * 1000,
    sessionTtlMs: e.SESSION_TTL_HOURS * 3600_000,
    loginAttemptsPer15Min: e.LOGIN_ATTEMPTS_PER_15_MIN,
    prefill: {
      allowedHosts: splitList(e.PREFILL_ALLOWED_HOSTS ?? '').map((h) => h.toLowerCase()),
      allowPrivate: e.PREFILL_ALLOW_PRIVATE,
    },
    websub: e.WEBSUB_HUB_URL
      ? Object.freeze({ hubUrl: e.WEBSUB_HUB_URL, allowPrivate: e.WEBSUB_ALLOW_PRIVATE })
      : undefined,
    initialAdmin:
      e.ADMIN_EMAIL && e.ADMIN_PASSWORD
        ? { email: e.ADMIN_EMAIL, password: e.ADMIN_PASSWORD }
        : undefined,
    trustProxy: e.TRUST_PROXY,
    metrics: { port: e.METRICS_PORT, host: e.METRICS_HOST, token: e.METRICS_TOKEN },
    logLevel: e.LOG_LEVEL,
    logPretty: e.LOG_PRETTY,
  });
}

const UNITS: Record<string, number> = {
  b: 1,
  kb: 1000,
  mb: 1000 ** 2,
  gb: 1000 ** 3,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
};

export function parseByteSize(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(text.trim());
  if (!match) throw new Error(`not a size: ${text}`);
  const unit = (match[2] ?? '').toLowerCase() || 'b';
  return Math.floor(Number(match[1]) * (UNITS[unit] ?? 1));
}
