/**
 * What a new user meets on the first start: the root page says where the studio,
 * the API reference and the feeds are, and a start without any account logs the
 * exact command that creates the first administrator (which this test then runs).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { pino } from 'pino';
import { createAntenne, type Antenne } from '../../src/compose/index.js';
import { loadConfig } from '../../src/core/config.js';
import { removeQueueData } from '../helpers/app.js';
import { tempDir } from '../helpers/audio.js';
import { TEST_REDIS_URL } from '../helpers/env.js';

const run = promisify(execFile);
const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}
const WARN = 40;

describe('first start (pglite on disk, real Redis)', function () {
  // Longer than the layer’s timeout: starts the app several times on a PGlite database on disk.
  this.timeout(120_000);
  let dataDir: string;
  let queuePrefix: string;
  let antenne: Antenne | null = null;

  /** createAntenne as `npm start` calls it (the database under DATA_DIR), its log lines captured. */
  async function start(env: Record<string, string> = {}): Promise<LogLine[]> {
    const lines: LogLine[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString('utf8').split('\n').filter(Boolean))
          lines.push(JSON.parse(line) as LogLine);
        done();
      },
    });
    const config = loadConfig({
      HOST: '127.0.0.1',
      REDIS_URL: TEST_REDIS_URL,
      DATA_DIR: dataDir,
      QUEUE_PREFIX: queuePrefix,
      ...env,
    });
    antenne = await createAntenne(config, pino({ level: 'info' }, sink));
    return lines;
  }
  const stop = async () => {
    await antenne?.close();
    antenne = null;
  };

  beforeEach(async () => {
    dataDir = await tempDir('antenne-first-start-');
    queuePrefix = `antenne-test-first-${process.pid}-${Date.now()}`;
  });
  afterEach(async () => {
    await stop();
    await removeQueueData(queuePrefix);
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  it('answers / with links to the studio, the API reference and the feeds', async () => {
    await start();
    const port = await antenne!.listen(0);
    const base = `http://127.0.0.1:${port}`;
    const res = await fetch(`${base}/`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
    const page = await res.text();
    for (const link of ['/studio', '/api/docs', '/api/openapi.json'])
      assert.ok(page.includes(`href="${link}"`), link);
    assert.ok(page.includes('/feeds/&lt;slug&gt;.xml'));
    // The links lead somewhere real.
    assert.equal((await fetch(`${base}/api/docs`)).status, 200);
    const studio = await fetch(`${base}/studio`, { redirect: 'manual' });
    assert.ok([200, 302, 303].includes(studio.status), String(studio.status));
  });

  it('without any account, logs the command that creates the first administrator, and it works', async () => {
    const lines = await start();
    const warnings = lines.filter((l) => l.level === WARN);
    assert.equal(warnings.length, 1, JSON.stringify(lines));
    const message = warnings[0]!.msg;
    assert.match(message, /nobody can sign in to the studio/);
    assert.match(message, /ADMIN_EMAIL=you@example\.org ADMIN_PASSWORD=/);
    // With the embedded database, the script needs the server stopped.
    assert.match(message, /stop the server, then run: /);
    const command = /then run: (ANTENNE_PASSWORD=.* --role admin) /.exec(message)?.[1];
    assert.ok(command, message);
    await stop();

    // Run it as logged, with a real password and address in place of the placeholders.
    const password = 'a long enough first passphrase';
    const typed = command
      .replace(`'<12+ characters>'`, `'${password}'`)
      .replace('you@example.org', 'ana@example.org');
    assert.notEqual(typed, command);
    const { stdout } = await run('bash', ['-c', typed], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, DATA_DIR: dataDir },
    });
    assert.match(stdout, /Created admin ana@example\.org/);

    const again = await start();
    assert.deepEqual(
      again.filter((l) => l.level >= WARN),
      [],
      'no warning once an account exists',
    );
    const session = await antenne!.accounts.login('ana@example.org', password);
    assert.equal(session.user.role, 'admin');
  });

  it('creates the first administrator from ADMIN_EMAIL and ADMIN_PASSWORD, without the warning', async () => {
    const lines = await start({
      ADMIN_EMAIL: 'chief@example.org',
      ADMIN_PASSWORD: 'correct horse battery staple',
    });
    assert.deepEqual(
      lines.filter((l) => l.level >= WARN),
      [],
    );
    assert.ok(lines.some((l) => l.msg === 'first administrator created'));
    const session = await antenne!.accounts.login(
      'chief@example.org',
      'correct horse battery staple',
    );
    assert.equal(session.user.role, 'admin');
  });
});
