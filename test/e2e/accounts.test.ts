/**
 * Studio accounts and API tokens, over HTTP on both engines: every refusal with
 * the right status and a clear message.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import { promisify } from 'node:util';
import { ENGINES } from '../helpers/databases.js';
import { useTestApp, type TestApp } from '../helpers/app.js';
import { SHOW_INPUT } from '../fixtures/editorial.js';
import { ADMIN, ADMIN_ENV } from '../helpers/sessions.js';
import { tempDir } from '../helpers/audio.js';

interface Session {
  cookie: string;
  csrfToken: string;
}

async function signIn(app: TestApp, email: string, password: string): Promise<Session> {
  const res = await fetch(`${app.baseUrl}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  assert.equal(res.status, 200, await res.clone().text());
  const setCookie = res.headers.get('set-cookie') ?? '';
  assert.match(setCookie, /HttpOnly/i);
  assert.match(setCookie, /SameSite=Lax/i);
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  return { cookie: setCookie.split(';')[0]!, csrfToken };
}

const json = (body: unknown, headers: Record<string, string> = {}) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

for (const engine of ENGINES) {
  describe(`accounts, sessions and API tokens (${engine})`, function () {
    const app = useTestApp(
      { engine, worker: false, env: { ...ADMIN_ENV, LOGIN_ATTEMPTS_PER_15_MIN: '6' } },
      { show: false },
    );

    it('refuses a wrong password and an unknown e-mail with the same 401', async () => {
      for (const body of [
        { ...ADMIN, password: 'wrong password!!' },
        { email: 'nobody@example.org', password: 'whatever12345' },
      ]) {
        const res = await fetch(`${app.baseUrl}/api/session`, json(body));
        assert.equal(res.status, 401);
        const problem = (await res.json()) as { title: string; type: string };
        assert.equal(problem.title, 'Wrong e-mail or password');
        assert.equal(res.headers.get('set-cookie'), null);
      }
    });

    it('signs in with a session cookie; writes need the CSRF token', async () => {
      const s = await signIn(app, 'ADMIN@example.org', ADMIN.password);
      const me = await fetch(`${app.baseUrl}/api/session`, { headers: { cookie: s.cookie } });
      assert.equal(me.status, 200);
      assert.equal(((await me.json()) as { user: { role: string } }).user.role, 'admin');

      const withoutCsrf = await fetch(
        `${app.baseUrl}/api/shows`,
        json(SHOW_INPUT, { cookie: s.cookie }),
      );
      assert.equal(withoutCsrf.status, 403);
      assert.equal(
        ((await withoutCsrf.json()) as { title: string }).title,
        'Missing or invalid CSRF token',
      );
      const wrongCsrf = await fetch(
        `${app.baseUrl}/api/shows`,
        json(SHOW_INPUT, { cookie: s.cookie, 'x-csrf-token': 'forged' }),
      );
      assert.equal(wrongCsrf.status, 403);

      const ok = await fetch(
        `${app.baseUrl}/api/shows`,
        json(SHOW_INPUT, { cookie: s.cookie, 'x-csrf-token': s.csrfToken }),
      );
      assert.equal(ok.status, 201);
    });

    it('refuses an expired session with a message that says so', async () => {
      const s = await signIn(app, ADMIN.email, ADMIN.password);
      await app.antenne.db.db
        .updateTable('sessions')
        .set({ expires_at: new Date(Date.now() - 1000) })
        .execute();
      const res = await fetch(`${app.baseUrl}/api/session`, { headers: { cookie: s.cookie } });
      assert.equal(res.status, 401);
      const problem = (await res.json()) as { type: string; title: string };
      assert.equal(problem.type, '/problems/session-expired');
      assert.equal(problem.title, 'Your session has expired');
    });

    it('shows an API token once, stores it hashed, and refuses it once revoked', async () => {
      const admin = await signIn(app, ADMIN.email, ADMIN.password);
      const created = await fetch(
        `${app.baseUrl}/api/tokens`,
        json(
          { name: 'CMS « Normandie »' },
          { cookie: admin.cookie, 'x-csrf-token': admin.csrfToken },
        ),
      );
      assert.equal(created.status, 201);
      const { token, id, name } = (await created.json()) as {
        token: string;
        id: string;
        name: string;
      };
      assert.match(token, /^ant_[A-Za-z0-9_-]{40,}$/);
      assert.equal(name, 'CMS « Normandie »');
      const stored = await app.antenne.db.db
        .selectFrom('api_tokens')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      assert.notEqual(stored.token_hash, token);
      assert.ok(!JSON.stringify(stored).includes(token), 'the plaintext is not stored');
      const listed = await fetch(`${app.baseUrl}/api/tokens`, {
        headers: { cookie: admin.cookie },
      }).then((r) => r.text());
      assert.ok(!listed.includes(token), 'a list never shows the token again');

      const write = await fetch(
        `${app.baseUrl}/api/shows`,
        json({ ...SHOW_INPUT, slug: 'par-jeton' }, { authorization: `Bearer ${token}` }),
      );
      assert.equal(write.status, 201, 'a token carries editor rights on every write');

      const revoke = await fetch(`${app.baseUrl}/api/tokens/${id}`, {
        method: 'DELETE',
        headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrfToken },
      });
      assert.equal(revoke.status, 200);
      const refused = await fetch(
        `${app.baseUrl}/api/shows`,
        json({ ...SHOW_INPUT, slug: 'apres-revocation' }, { authorization: `Bearer ${token}` }),
      );
      assert.equal(refused.status, 401);
      assert.equal(((await refused.json()) as { title: string }).title, 'Invalid token');
    });

    it('keeps admin pages for administrators: not editors, not API tokens', async () => {
      const admin = await signIn(app, ADMIN.email, ADMIN.password);
      const created = await fetch(
        `${app.baseUrl}/api/users`,
        json(
          {
            email: 'redaction@example.org',
            name: 'Rédaction',
            password: 'un mot de passe long',
            role: 'editor',
          },
          { cookie: admin.cookie, 'x-csrf-token': admin.csrfToken },
        ),
      );
      assert.equal(created.status, 201);
      const editor = await signIn(app, 'redaction@example.org', 'un mot de passe long');
      for (const [path, init] of [
        ['/api/users', { headers: { cookie: editor.cookie } }],
        [
          '/api/tokens',
          json({ name: 'x' }, { cookie: editor.cookie, 'x-csrf-token': editor.csrfToken }),
        ],
        [
          '/api/tokens',
          { headers: { authorization: 'Bearer test-editor-token-0123456789abcdef' } },
        ],
      ] as const) {
        const res = await fetch(`${app.baseUrl}${path}`, init);
        assert.equal(res.status, 403, path);
        assert.equal(((await res.json()) as { title: string }).title, 'Administrators only');
      }
      const anonymous = await fetch(`${app.baseUrl}/api/users`);
      assert.equal(anonymous.status, 401);
    });

    it('rate-limits sign-in attempts', async () => {
      let last = 0;
      for (let i = 0; i < 8; i++) {
        last = (
          await fetch(
            `${app.baseUrl}/api/session`,
            json({ email: 'guess@example.org', password: `guess-${i}-password` }),
          )
        ).status;
      }
      assert.equal(last, 429);
    });
  });
}

describe('npm run user:create', function () {
  it('creates an account that can sign in', async () => {
    const dataDir = await tempDir('antenne-cli-');
    try {
      const run = promisify(execFile);
      const env = {
        ...process.env,
        DATA_DIR: dataDir,
        ANTENNE_PASSWORD: 'un mot de passe très long',
      };
      // The script under tsx, as `npm run user:create` runs it: one process (npx tsx makes three).
      const userCreate = (...args: string[]) =>
        run(process.execPath, ['--import', 'tsx', 'scripts/user-create.ts', ...args], { env });
      const { stdout } = await userCreate(
        '--email',
        'Chef@Example.org',
        '--name',
        'Chef d’édition',
        '--role',
        'admin',
      );
      assert.match(stdout, /^Created admin chef@example\.org/);
      const again = await userCreate('--email', 'chef@example.org', '--name', 'X').catch(
        (e: { code: number; stderr: string }) => e,
      );
      assert.equal((again as { code: number }).code, 65);
      assert.match((again as { stderr: string }).stderr, /already has an account/);

      // Sign in against the database the command wrote to.
      const { connectDb } = await import('../../src/db/connect.js');
      const { AccountService } = await import('../../src/services/accounts.js');
      const { UsersRepository } = await import('../../src/db/repositories/users.repo.js');
      const { SessionsRepository } = await import('../../src/db/repositories/sessions.repo.js');
      const { ApiTokensRepository } = await import('../../src/db/repositories/api-tokens.repo.js');
      const db = await connectDb({ dataDir });
      try {
        const accounts = new AccountService(
          new UsersRepository(db.db),
          new SessionsRepository(db.db),
          new ApiTokensRepository(db.db),
          { sessionTtlMs: 60_000 },
        );
        const session = await accounts.login('chef@example.org', 'un mot de passe très long');
        assert.deepEqual([session.user.role, session.user.name], ['admin', 'Chef d’édition']);
      } finally {
        await db.close();
      }
    } finally {
      await fs.rm(dataDir, { recursive: true, force: true });
    }
  });
});
