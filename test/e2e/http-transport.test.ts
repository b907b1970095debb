/**
 * Issue 10, HTTP transport: body deadlines and upload idle timeouts, malformed
 * multipart, early refusals a streaming client can read, and the queue dashboard
 * while Redis is down. Real sockets throughout: raw `net` clients where the
 * timing of bytes matters, Node's fetch in a separate process for the refusals.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { LINGER } from '../../src/http/lingering-close.js';
import {
  createTestShow,
  TEST_TOKEN,
  episodeForm,
  startTestApp,
  type TestApp,
} from '../helpers/app.js';
import { ARTICLE, SHOW_INPUT } from '../fixtures/editorial.js';
import { tempDir } from '../helpers/audio.js';
import { TEST_REDIS_URL } from '../helpers/env.js';
import { streamUploads } from '../helpers/streaming-upload.js';
import { tone as toneFixture } from '../fixtures/audio.js';

const MB = 1024 * 1024;
const BODY_TIMEOUT_S = 2;
const IDLE_TIMEOUT_S = 2;
/** Slack on top of a deadline for "closed within": timers, a busy machine. */
const SLACK_MS = 4_000;

interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: { field: string; message: string }[];
}

describe('HTTP transport', function () {
  // Longer than the layer’s timeout: uploads trickle in slower than the body deadlines on purpose.
  this.timeout(120_000);
  let app: TestApp;
  let work: string;
  let tone: string;
  const uploadPath = `/api/shows/${SHOW_INPUT.slug}/episodes`;

  before(async () => {
    work = await tempDir();
    tone = await toneFixture(1); // about 176 KB of WAV
    app = await startTestApp({
      engine: 'pglite',
      worker: false,
      env: {
        REQUEST_BODY_TIMEOUT_SECONDS: String(BODY_TIMEOUT_S),
        UPLOAD_IDLE_TIMEOUT_SECONDS: String(IDLE_TIMEOUT_S),
        MAX_UPLOAD_SIZE: '1MiB',
      },
    });
    await createTestShow(app);
  });
  after(async () => {
    await app?.close();
    await fs.rm(work, { recursive: true, force: true });
  });

  const port = () => Number(new URL(app.baseUrl).port);
  const episodeCount = async () =>
    (await app.antenne.db.db.selectFrom('episodes').select('id').execute()).length;

  /** The episode form as bytes, with its Content-Type (boundary included). */
  async function formBytes(title: string): Promise<{ bytes: Buffer; contentType: string }> {
    const request = new Request('http://localhost/', {
      method: 'POST',
      body: await episodeForm(tone, { ...ARTICLE, title }),
    });
    return {
      bytes: Buffer.from(await request.arrayBuffer()),
      contentType: request.headers.get('content-type')!,
    };
  }

  function uploadHead(contentType: string, length: number, token = true): string {
    return (
      // Connection: close, so that the end of the answer is the end of the connection.
      `POST ${uploadPath} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n` +
      (token ? `Authorization: Bearer ${TEST_TOKEN}\r\n` : '') +
      `Content-Type: ${contentType}\r\nContent-Length: ${length}\r\n\r\n`
    );
  }

  describe('body deadlines', () => {
    it('cuts an anonymous JSON body that trickles in, with a 408 problem, within the deadline', async () => {
      const client = await RawClient.open(port());
      const started = Date.now();
      client.write(
        'POST /api/shows HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n',
      );
      // One byte a second: never idle, never done.
      const trickle = setInterval(() => client.write('{'), 1_000);
      const exchange = await client.closed;
      clearInterval(trickle);
      const elapsed = Date.now() - started;
      assert.ok(
        elapsed < BODY_TIMEOUT_S * 1000 + SLACK_MS,
        `the connection stayed open ${elapsed} ms`,
      );
      assert.equal(exchange.status, 408, exchange.text);
      assert.match(exchange.headers, /^connection: close$/im);
      assert.match(exchange.headers, /^content-type: application\/problem\+json/im);
      const problem = exchange.json<Problem>();
      assert.equal(problem.type, '/problems/request-timeout');
      assert.match(problem.detail ?? '', /within 2 s/);
    });

    it('aborts an upload that stops sending mid-file: 408, temp file removed, no episode', async () => {
      const { bytes, contentType } = await formBytes('Envoi interrompu');
      const client = await RawClient.open(port());
      client.write(uploadHead(contentType, bytes.length));
      client.write(bytes.subarray(0, 96 * 1024)); // the fields and the start of the file
      const uploads = path.join(app.dataDir, 'tmp', 'uploads');
      await until(
        async () => (await fs.readdir(uploads)).length > 0,
        'the partial upload reaches the temp dir',
      );
      const stalled = Date.now();
      const exchange = await client.closed;
      const elapsed = Date.now() - stalled;
      assert.ok(elapsed < IDLE_TIMEOUT_S * 1000 + SLACK_MS, `stalled upload kept ${elapsed} ms`);
      assert.equal(exchange.status, 408, exchange.text);
      assert.match(exchange.json<Problem>().detail ?? '', /Nothing arrived for 2 s/);
      await until(
        async () => (await fs.readdir(uploads)).length === 0,
        'the partial upload is removed',
      );
      assert.equal(await episodeCount(), 0, 'no episode recorded');
    });

    it('accepts an upload that takes longer than any deadline while its bytes keep coming', async () => {
      const { bytes, contentType } = await formBytes('Envoi lent mais régulier');
      const client = await RawClient.open(port());
      client.write(uploadHead(contentType, bytes.length));
      const slices = 10;
      const size = Math.ceil(bytes.length / slices);
      const started = Date.now();
      for (let i = 0; i < slices; i++) {
        await sleep(500);
        client.write(bytes.subarray(i * size, (i + 1) * size));
      }
      const exchange = await client.closed;
      assert.ok(Date.now() - started > (BODY_TIMEOUT_S + IDLE_TIMEOUT_S) * 1000);
      assert.equal(exchange.status, 202, exchange.text);
      const episode = exchange.json<{ id: string; title: string; state: string }>();
      assert.equal(episode.title, 'Envoi lent mais régulier');
      assert.equal(episode.state, 'uploaded');
      await assertNoUploadLeftovers(app);
    });
  });

  describe('malformed multipart', () => {
    let episodesBefore: number;
    beforeEach(async () => (episodesBefore = await episodeCount()));
    afterEach(async () => {
      await assertNoUploadLeftovers(app);
      assert.equal(await episodeCount(), episodesBefore, 'nothing recorded');
    });

    async function post(body: BodyInit, contentType?: string): Promise<[number, Problem]> {
      const res = await app.authed(uploadPath, {
        method: 'POST',
        body,
        ...(contentType ? { headers: { 'content-type': contentType } } : {}),
      });
      assert.match(res.headers.get('content-type') ?? '', /^application\/problem\+json/);
      return [res.status, (await res.json()) as Problem];
    }

    it('answers 400 naming the missing boundary', async () => {
      const [status, problem] = await post('title=Sans+fronti%C3%A8re', 'multipart/form-data');
      assert.equal(status, 400);
      assert.equal(problem.type, '/problems/malformed-multipart');
      assert.match(problem.title, /no boundary/);
    });

    it('answers 400 for a form cut before its closing boundary', async () => {
      const { bytes, contentType } = await formBytes('Formulaire tronqué');
      const boundary = /boundary=(.+)$/.exec(contentType)![1]!;
      const cut = bytes.subarray(0, bytes.length - `--${boundary}--\r\n`.length - 100);
      const [status, problem] = await post(new Uint8Array(cut), contentType);
      assert.equal(status, 400);
      assert.equal(problem.type, '/problems/malformed-multipart');
      assert.match(problem.title, /incomplete/);
    });

    it('answers 400 for a body that is not multipart under a multipart Content-Type', async () => {
      const [status, problem] = await post(
        JSON.stringify({ title: 'Du JSON' }),
        'multipart/form-data; boundary=----antenne',
      );
      assert.equal(status, 400);
      assert.equal(problem.type, '/problems/malformed-multipart');
      assert.match(problem.detail ?? '', /not multipart\/form-data/);
    });

    it('answers 415 for a text/plain body', async () => {
      const [status, problem] = await post('title=Texte brut', 'text/plain');
      assert.equal(status, 415);
      assert.equal(problem.type, '/problems/unsupported-media-type');
    });

    it('blames too many fields on the form, not on the audio file', async () => {
      const form = await episodeForm(tone, {
        ...ARTICLE,
        categories: Array.from({ length: 60 }, (_, i) => `Rubrique ${i}`),
      });
      const [status, problem] = await post(form);
      assert.equal(status, 400);
      assert.deepEqual(problem.errors, [
        { field: '(form)', message: 'has more than 50 text fields' },
      ]);
    });

    it('names a file sent in another field than audio, and a second file', async () => {
      const elsewhere = new FormData();
      for (const [key, value] of Object.entries(ARTICLE)) elsewhere.append(key, String(value));
      elsewhere.append('image', new Blob([await fs.readFile(tone)]), 'entretien.wav');
      const [status, problem] = await post(elsewhere);
      assert.equal(status, 400);
      assert.deepEqual(problem.errors, [
        { field: 'image', message: 'is not a file field: attach the recording in "audio"' },
      ]);

      const twice = await episodeForm(tone, ARTICLE);
      twice.append('audio', new Blob([await fs.readFile(tone)]), 'encore.wav');
      const [status2, problem2] = await post(twice);
      assert.equal(status2, 400);
      assert.deepEqual(problem2.errors, [{ field: 'audio', message: 'send one file only' }]);
    });

    it('answers 413 naming audio and the limit for a file over it', async () => {
      const big = path.join(work, 'gros.wav');
      await fs.writeFile(big, Buffer.alloc(1.5 * MB, 1));
      const [status, problem] = await post(await episodeForm(big, ARTICLE));
      assert.equal(status, 413);
      assert.deepEqual(problem.errors, [{ field: 'audio', message: 'must be at most 1 MiB' }]);
      assert.match(problem.detail ?? '', /limit is 1 MiB/);
    });
  });

  describe('early refusals', () => {
    const streamed: [string, string, Record<string, string>, string][] = [
      ['401 without a token', uploadPath, {}, '401 /problems/unauthorized'],
      [
        '404 for an unknown show, with a token',
        '/api/shows/no-such-show/episodes',
        { authorization: `Bearer ${TEST_TOKEN}` },
        '404 /problems/not-found',
      ],
    ];
    for (const [name, target, headers, expected] of streamed) {
      it(`${name}: 20 streamed 20 MB uploads with fetch, 20 answers read`, async () => {
        const outcomes = await streamUploads({
          url: `${app.baseUrl}${target}`,
          times: 20,
          bytes: 20 * MB,
          headers: { 'content-type': 'multipart/form-data; boundary=x', ...headers },
        });
        assert.deepEqual(outcomes, Array<string>(20).fill(expected));
      });
    }

    it('says Connection: close, reads the rest of the body, then closes without a reset', async () => {
      const client = await RawClient.open(port());
      const length = 8 * MB;
      client.write(uploadHead('multipart/form-data; boundary=x', length, false));
      for (let sent = 0; sent < length; sent += MB) client.write(Buffer.alloc(MB));
      const exchange = await client.closed;
      assert.equal(exchange.status, 401);
      assert.match(exchange.headers, /^connection: close$/im);
      assert.equal(exchange.error, null, 'closed cleanly, not reset');
    });

    it(`stops reading a refused body after ${LINGER.maxBytes / MB} MiB`, async () => {
      const client = await RawClient.open(port(), { halfOpen: true });
      const length = 4 * LINGER.maxBytes;
      client.write(uploadHead('multipart/form-data; boundary=x', length, false));
      let sent = 0;
      while (!client.gone && sent < length) {
        await client.drainWrite(Buffer.alloc(MB));
        sent += MB;
      }
      const exchange = await client.closed;
      assert.equal(exchange.status, 401);
      assert.ok(sent < 2 * LINGER.maxBytes, `the server read ${sent / MB} MiB`);
    });

    it(`stops reading a refused body that trickles in after ${LINGER.maxMs / 1000} s`, async () => {
      // Half-open: this client keeps sending after the server's FIN, as an upload would.
      const client = await RawClient.open(port(), { halfOpen: true });
      client.write(uploadHead('multipart/form-data; boundary=x', MB, false));
      const started = Date.now();
      const trickle = setInterval(() => client.write('x'), 250);
      const exchange = await client.closed;
      clearInterval(trickle);
      assert.equal(exchange.status, 401);
      const elapsed = Date.now() - started;
      assert.ok(elapsed < LINGER.maxMs + SLACK_MS, `kept ${elapsed} ms`);
    });
  });
});

describe('queue dashboard while Redis is down', function () {
  const ADMIN = { email: 'admin@example.org', password: 'un mot de passe « solide »' };
  let proxy: TcpProxy;
  let app: TestApp;
  let cookie: string;

  before(async () => {
    // The app reaches Redis through this proxy: closing it is an outage for this app
    // alone, never for the machine's Redis, which others use.
    const redis = new URL(TEST_REDIS_URL);
    proxy = await TcpProxy.start(redis.hostname, Number(redis.port || 6379));
    app = await startTestApp({
      engine: 'pglite',
      worker: false,
      env: {
        REDIS_URL: `redis://127.0.0.1:${proxy.port}`,
        ADMIN_EMAIL: ADMIN.email,
        ADMIN_PASSWORD: ADMIN.password,
      },
    });
    const res = await fetch(`${app.baseUrl}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ADMIN),
    });
    assert.equal(res.status, 200, await res.clone().text());
    cookie = res.headers.get('set-cookie')!.split(';')[0]!;
  });
  after(async () => {
    await proxy?.resume();
    await app?.close();
    await proxy?.close();
  });

  const dashboardApi = () =>
    fetch(`${app.baseUrl}/studio/queues/api/queues`, {
      headers: { cookie, accept: 'application/json' },
      // A hang fails the test instead of the suite's timeout.
      signal: AbortSignal.timeout(5_000),
    });

  it('answers 503 while Redis is unreachable, and the board again once it is back', async () => {
    assert.equal((await dashboardApi()).status, 200, 'the board works with Redis up');

    await proxy.cut();
    const down = await dashboardApi();
    assert.equal(down.status, 503);
    assert.match(down.headers.get('content-type') ?? '', /^application\/problem\+json/);
    const problem = (await down.json()) as Problem;
    assert.equal(problem.type, '/problems/queue-unavailable');

    await proxy.resume();
    await until(async () => (await dashboardApi()).status === 200, 'the board comes back');
  });
});

/** A raw HTTP/1.1 client: writes what it is told, collects the answer, notes how the connection ended. */
class RawClient {
  private readonly chunks: Buffer[] = [];
  /** The connection is closed (not merely half-closed by the server). */
  gone = false;
  readonly closed: Promise<Exchange>;

  private constructor(private readonly socket: net.Socket) {
    let error: string | null = null;
    socket.on('data', (chunk: Buffer) => this.chunks.push(chunk));
    socket.on('error', (e: NodeJS.ErrnoException) => (error = e.code ?? e.message));
    this.closed = new Promise((resolve) =>
      socket.once('close', () => {
        this.gone = true;
        resolve(new Exchange(Buffer.concat(this.chunks).toString('utf8'), error));
      }),
    );
  }

  static open(port: number, options: { halfOpen?: boolean } = {}): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(
        { port, host: '127.0.0.1', allowHalfOpen: options.halfOpen ?? false },
        () => resolve(new RawClient(socket)),
      );
      socket.once('error', reject);
    });
  }

  /** Writes while it can; a write into a closed connection is not a test failure. */
  write(data: string | Buffer): void {
    if (this.socket.writable) this.socket.write(data);
  }

  /** Writes, waiting for the socket to take it (so the sender cannot outrun the reader). */
  async drainWrite(data: Buffer): Promise<void> {
    if (this.gone || !this.socket.writable) return;
    if (this.socket.write(data)) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        this.socket.off('drain', done);
        this.socket.off('close', done);
        resolve();
      };
      this.socket.on('drain', done);
      this.socket.on('close', done);
    });
  }
}

class Exchange {
  readonly status: number;
  readonly headers: string;
  private readonly body: string;

  constructor(
    readonly text: string,
    /** The socket error the client saw (ECONNRESET…), null when it closed cleanly. */
    readonly error: string | null,
  ) {
    const split = text.indexOf('\r\n\r\n');
    this.headers = split >= 0 ? text.slice(0, split) : text;
    this.body = split >= 0 ? text.slice(split + 4) : '';
    this.status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
  }

  json<T>(): T {
    return JSON.parse(this.body) as T;
  }
}

/** A TCP proxy to Redis that a test can cut (connections dropped, port closed) and restore. */
class TcpProxy {
  private server: net.Server | null = null;
  private readonly sockets = new Set<net.Socket>();

  private constructor(
    private readonly host: string,
    private readonly targetPort: number,
    public port = 0,
  ) {}

  static async start(host: string, targetPort: number): Promise<TcpProxy> {
    const proxy = new TcpProxy(host, targetPort);
    await proxy.resume();
    return proxy;
  }

  async resume(): Promise<void> {
    if (this.server) return;
    const server = net.createServer((client) => {
      const upstream = net.connect(this.targetPort, this.host);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as net.AddressInfo).port;
    this.server = server;
  }

  async cut(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const s of this.sockets) s.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  close(): Promise<void> {
    return this.cut();
  }
}

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting: ${what}`);
    await sleep(20);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function assertNoUploadLeftovers(app: TestApp): Promise<void> {
  const dir = path.join(app.dataDir, 'tmp', 'uploads');
  await until(
    async () => (await fs.readdir(dir).catch(() => [])).length === 0,
    'upload temp files removed',
    2_000,
  );
}
