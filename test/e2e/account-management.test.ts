/**
 * Taking access away, over real HTTP on both engines: administrators disable,
 * enable, change roles, reset passwords, end sessions and delete accounts; every
 * signed-in person changes their own password and signs out everywhere. Each
 * change is checked by what the affected sessions get on their next call.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import { sql } from 'kysely';
import { ENGINES } from '../helpers/databases.js';
import { TEST_TOKEN, episodeForm, useTestApp } from '../helpers/app.js';
import { ARTICLE, SHOW_INPUT } from '../fixtures/editorial.js';
import { tempDir } from '../helpers/audio.js';
import {
  ADMIN,
  ADMIN_ENV,
  call,
  signIn,
  trySignIn,
  type Answer,
  type Session,
} from '../helpers/sessions.js';
import { tone } from '../fixtures/audio.js';

for (const engine of ENGINES) {
  describe(`account management (${engine})`, function () {
    // Longer than the layer’s timeout: many sign-ins and password changes (argon2) and one processed upload per test.
    this.timeout(90_000);
    const app = useTestApp(
      {
        engine,
        worker: false,
        env: {
          ...ADMIN_ENV,
          // Many sign-ins with wrong passwords below, on purpose: the limiter is tested elsewhere.
          LOGIN_ATTEMPTS_PER_15_MIN: '1000',
        },
      },
      { show: false },
    );
    let admin: Session;
    let counter = 0;

    const api = (
      who: Session | { token: string } | null,
      method: string,
      path: string,
      body?: unknown,
      options?: { csrf?: boolean },
    ) => call(app.baseUrl, who, method, path, body, options);

    /** A new account (unique e-mail), created by the administrator through the API. */
    const newAccount = async (role: 'admin' | 'editor', name = 'Élise Lefèvre') => {
      counter++;
      const account = {
        email: `compte-${counter}@example.org`,
        name,
        password: `mot de passe n°${counter} « long »`,
        role,
      };
      const res = await api(admin, 'POST', '/api/users', account);
      assert.equal(res.status, 201, JSON.stringify(res.body));
      return { ...account, id: res.body.id as string };
    };

    const me = (s: Session) => api(s, 'GET', '/api/session');
    /** A role changed behind the API's back, as an operator would in SQL. */
    const setRoleInDatabase = (userId: string, role: 'admin' | 'editor') =>
      app.antenne.db.db.updateTable('users').set({ role }).where('id', '=', userId).execute();
    const sessionsOf = async (userId: string) =>
      (
        await app.antenne.db.db
          .selectFrom('sessions')
          .select('id_hash')
          .where('user_id', '=', userId)
          .execute()
      ).length;
    const assertProblem = (res: Answer, status: number, type: string, field?: string) => {
      assert.equal(res.status, status, JSON.stringify(res.body));
      assert.equal(res.body.type, `/problems/${type}`, JSON.stringify(res.body));
      if (field) {
        assert.ok(
          res.body.errors?.some((e) => e.field === field),
          `a problem naming "${field}": ${JSON.stringify(res.body)}`,
        );
      }
    };

    before(async () => {
      admin = await signIn(app.baseUrl, ADMIN.email, ADMIN.password);
    });

    it('disabling a user ends their open sessions at once; enabled again, they sign in', async () => {
      const editor = await newAccount('editor');
      const first = await signIn(app.baseUrl, editor.email, editor.password);
      const second = await signIn(app.baseUrl, editor.email, editor.password);
      assert.equal((await me(first)).status, 200);

      const disabled = await api(admin, 'PATCH', `/api/users/${editor.id}`, { disabled: true });
      assert.equal(disabled.status, 200, JSON.stringify(disabled.body));
      assert.equal(disabled.body.disabled, true);
      assert.equal(disabled.body.sessionsEnded, 2);

      for (const s of [first, second]) {
        assertProblem(await me(s), 401, 'unauthorized');
        const write = await api(s, 'POST', '/api/shows', { ...SHOW_INPUT, slug: 'apres-coup' });
        assert.equal(write.status, 401);
      }
      assert.equal(await sessionsOf(editor.id), 0);

      // The right password of a disabled account is told apart; a wrong one is not.
      const refused = await trySignIn(app.baseUrl, editor.email, editor.password);
      assertProblem(refused, 403, 'account-disabled');
      assert.equal(refused.body.title, 'This account is disabled');
      assert.equal(refused.headers.get('set-cookie'), null);
      const guessed = await trySignIn(app.baseUrl, editor.email, 'not the password at all');
      assertProblem(guessed, 401, 'wrong-credentials');

      const listed = await api(admin, 'GET', '/api/users');
      const row = (listed.body.users as { id: string; disabled: boolean }[]).find(
        (u) => u.id === editor.id,
      );
      assert.equal(row?.disabled, true);

      const enabled = await api(admin, 'PATCH', `/api/users/${editor.id}`, { disabled: false });
      assert.equal(enabled.status, 200);
      assert.equal(enabled.body.disabled, false);
      const back = await signIn(app.baseUrl, editor.email, editor.password);
      assert.equal((await me(back)).status, 200);
    });

    it('checks the disabled flag on every request, not only when sessions are ended', async () => {
      const editor = await newAccount('editor');
      const s = await signIn(app.baseUrl, editor.email, editor.password);
      // Set directly in the database: the session row is still there.
      await app.antenne.db.db
        .updateTable('users')
        .set({ disabled_at: new Date() })
        .where('id', '=', editor.id)
        .execute();
      assert.equal(await sessionsOf(editor.id), 1);
      assert.equal((await me(s)).status, 401);
      const page = await fetch(`${app.baseUrl}/studio/shows`, {
        headers: { cookie: s.cookie },
        redirect: 'manual',
      });
      assert.equal(page.status, 303);
      assert.match(page.headers.get('location') ?? '', /^\/studio\/login\?next=/);
    });

    it('a role change takes effect at once, both ways; a new name keeps the sessions', async () => {
      const editor = await newAccount('editor');
      const asEditor = await signIn(app.baseUrl, editor.email, editor.password);
      assertProblem(await api(asEditor, 'GET', '/api/users'), 403, 'forbidden');

      const promoted = await api(admin, 'PATCH', `/api/users/${editor.id}`, { role: 'admin' });
      assert.equal(promoted.status, 200);
      assert.equal(promoted.body.role, 'admin');
      assert.equal(promoted.body.sessionsEnded, 1);
      assert.equal((await me(asEditor)).status, 401, 'the session under the old role ended');
      const asAdmin = await signIn(app.baseUrl, editor.email, editor.password);
      assert.equal((await api(asAdmin, 'GET', '/api/users')).status, 200);

      const demoted = await api(admin, 'PATCH', `/api/users/${editor.id}`, { role: 'editor' });
      assert.equal(demoted.status, 200);
      assert.equal(demoted.body.sessionsEnded, 1);
      assert.equal((await api(asAdmin, 'GET', '/api/users')).status, 401);
      const again = await signIn(app.baseUrl, editor.email, editor.password);
      assertProblem(await api(again, 'GET', '/api/users'), 403, 'forbidden');

      // The role is read on every request too: a change made in the database counts at once.
      await setRoleInDatabase(editor.id, 'admin');
      assert.equal((await api(again, 'GET', '/api/users')).status, 200);
      await setRoleInDatabase(editor.id, 'editor');
      assert.equal((await api(again, 'GET', '/api/users')).status, 403);

      const renamed = await api(admin, 'PATCH', `/api/users/${editor.id}`, {
        name: '  Anaïs « Nono » O’Neil ',
      });
      assert.equal(renamed.status, 200);
      assert.equal(renamed.body.name, 'Anaïs « Nono » O’Neil');
      assert.equal(renamed.body.sessionsEnded, 0);
      const still = await me(again);
      assert.equal(still.status, 200);
      assert.equal((still.body.user as { name: string }).name, 'Anaïs « Nono » O’Neil');
    });

    it('an administrator resets a password: old sessions get 401, the new password signs in', async () => {
      const editor = await newAccount('editor');
      const a = await signIn(app.baseUrl, editor.email, editor.password);
      const b = await signIn(app.baseUrl, editor.email, editor.password);
      const newPassword = 'un tout nouveau mot de passe';
      const reset = await api(admin, 'POST', `/api/users/${editor.id}/password`, {
        password: newPassword,
      });
      assert.equal(reset.status, 200, JSON.stringify(reset.body));
      assert.equal(reset.body.sessionsEnded, 2);
      assert.equal((await me(a)).status, 401);
      assert.equal((await me(b)).status, 401);
      assertProblem(
        await trySignIn(app.baseUrl, editor.email, editor.password),
        401,
        'wrong-credentials',
      );
      const fresh = await signIn(app.baseUrl, editor.email, newPassword);
      assert.equal((await me(fresh)).status, 200);
      const stored = await app.antenne.db.db
        .selectFrom('users')
        .select('password_hash')
        .where('id', '=', editor.id)
        .executeTakeFirstOrThrow();
      assert.match(stored.password_hash, /^\$argon2id\$/);
    });

    it('a user changes their own password: the current one is checked, other sessions end, this one goes on', async () => {
      const editor = await newAccount('editor');
      const here = await signIn(app.baseUrl, editor.email, editor.password);
      const elsewhere = await signIn(app.baseUrl, editor.email, editor.password);
      const newPassword = 'mon nouveau mot de passe à moi';

      const wrong = await api(here, 'PUT', '/api/session/password', {
        currentPassword: 'pas le bon mot de passe',
        newPassword,
      });
      assertProblem(wrong, 403, 'wrong-password', 'currentPassword');
      assert.equal((await me(elsewhere)).status, 200, 'nothing changed on a wrong password');

      const short = await api(here, 'PUT', '/api/session/password', {
        currentPassword: editor.password,
        newPassword: 'court',
      });
      assertProblem(short, 400, 'validation', 'newPassword');
      const noCsrf = await api(
        here,
        'PUT',
        '/api/session/password',
        { currentPassword: editor.password, newPassword },
        { csrf: false },
      );
      assertProblem(noCsrf, 403, 'csrf');

      const changed = await api(here, 'PUT', '/api/session/password', {
        currentPassword: editor.password,
        newPassword,
      });
      assert.equal(changed.status, 200, JSON.stringify(changed.body));
      assert.equal(changed.body.otherSessionsEnded, 1);
      assert.equal((await me(here)).status, 200, 'the session that made the change goes on');
      assert.equal((await me(elsewhere)).status, 401, 'the other session ended');
      assertProblem(
        await trySignIn(app.baseUrl, editor.email, editor.password),
        401,
        'wrong-credentials',
      );
      await signIn(app.baseUrl, editor.email, newPassword);

      // API tokens belong to no one: no password to change.
      const byToken = await api({ token: TEST_TOKEN }, 'PUT', '/api/session/password', {
        currentPassword: editor.password,
        newPassword,
      });
      assertProblem(byToken, 403, 'session-required');
    });

    it('"sign out everywhere" ends every session of the user, this one included, and no one else’s', async () => {
      const editor = await newAccount('editor');
      const sessions = [
        await signIn(app.baseUrl, editor.email, editor.password),
        await signIn(app.baseUrl, editor.email, editor.password),
        await signIn(app.baseUrl, editor.email, editor.password),
      ];
      const other = await newAccount('editor');
      const bystander = await signIn(app.baseUrl, other.email, other.password);

      assertProblem(
        await api(sessions[0]!, 'POST', '/api/session/sign-out-everywhere', undefined, {
          csrf: false,
        }),
        403,
        'csrf',
      );
      const out = await api(sessions[0]!, 'POST', '/api/session/sign-out-everywhere');
      assert.equal(out.status, 200);
      assert.equal(out.body.sessionsEnded, 3);
      assert.match(out.headers.get('set-cookie') ?? '', /antenne_session=;/);
      for (const s of sessions) assert.equal((await me(s)).status, 401);
      assert.equal((await me(bystander)).status, 200);
      assert.equal((await me(admin)).status, 200);

      // An administrator can do the same for someone else.
      const ended = await api(admin, 'DELETE', `/api/users/${other.id}/sessions`);
      assert.equal(ended.status, 200);
      assert.equal(ended.body.sessionsEnded, 1);
      assert.equal((await me(bystander)).status, 401);
    });

    it('deleting a user ends their sessions and loses nothing stored about shows and episodes', async () => {
      const work = await tempDir('account-delete-');
      try {
        const editor = await newAccount('editor');
        const s = await signIn(app.baseUrl, editor.email, editor.password);
        const slug = `${SHOW_INPUT.slug}-${engine}`;
        assert.equal((await api(s, 'POST', '/api/shows', { ...SHOW_INPUT, slug })).status, 201);
        const upload = await fetch(`${app.baseUrl}/api/shows/${slug}/episodes`, {
          method: 'POST',
          headers: { cookie: s.cookie, 'x-csrf-token': s.csrfToken },
          body: await episodeForm(await tone(2), ARTICLE),
        });
        assert.equal(upload.status, 202, await upload.clone().text());
        const episodeId = ((await upload.json()) as { id: string }).id;
        const stored = () =>
          app.antenne.db.db
            .selectFrom('episodes')
            .selectAll()
            .where('id', '=', episodeId)
            .executeTakeFirstOrThrow();
        const before = await stored();

        const deleted = await api(admin, 'DELETE', `/api/users/${editor.id}`);
        assert.equal(deleted.status, 200, JSON.stringify(deleted.body));
        assert.equal((deleted.body.deleted as { id: string }).id, editor.id);
        assert.equal(deleted.body.sessionsEnded, 1);
        assert.equal((await me(s)).status, 401);
        assertProblem(
          await trySignIn(app.baseUrl, editor.email, editor.password),
          401,
          'wrong-credentials',
        );
        const users = (await api(admin, 'GET', '/api/users')).body.users as { id: string }[];
        assert.ok(!users.some((u) => u.id === editor.id));
        assert.equal((await app.authed(`/api/shows/${slug}`)).status, 200);
        assert.deepEqual(await stored(), before);
        assert.equal((await app.authed(`/api/episodes/${episodeId}`)).status, 200);
        assertProblem(await api(admin, 'DELETE', `/api/users/${editor.id}`), 404, 'not-found');
      } finally {
        await fs.rm(work, { recursive: true, force: true });
      }
    });

    it('a deleted administrator’s API tokens keep working unless revoked with the account', async () => {
      const tokenOf = async (who: Session, name: string) => {
        const res = await api(who, 'POST', '/api/tokens', { name });
        assert.equal(res.status, 201);
        return res.body.token as string;
      };
      const [kept, revoked] = [await newAccount('admin'), await newAccount('admin')];
      const keptToken = await tokenOf(
        await signIn(app.baseUrl, kept.email, kept.password),
        'CMS « kept »',
      );
      const revokedToken = await tokenOf(
        await signIn(app.baseUrl, revoked.email, revoked.password),
        'CMS « revoked »',
      );
      const listed = (await api(admin, 'GET', '/api/users')).body.users as {
        id: string;
        liveApiTokens: number;
        activeSessions: number;
      }[];
      assert.deepEqual(
        listed
          .filter((u) => u.id === kept.id || u.id === revoked.id)
          .map((u) => [u.liveApiTokens, u.activeSessions]),
        [
          [1, 1],
          [1, 1],
        ],
      );

      assert.equal((await api(admin, 'DELETE', `/api/users/${kept.id}`)).status, 200);
      assert.equal((await api({ token: keptToken }, 'GET', '/api/shows')).status, 200);

      assertProblem(
        await api(admin, 'DELETE', `/api/users/${revoked.id}?revokeTokens=maybe`),
        400,
        'validation',
        'revokeTokens',
      );
      const gone = await api(admin, 'DELETE', `/api/users/${revoked.id}?revokeTokens=true`);
      assert.equal(gone.status, 200);
      assert.deepEqual(
        (gone.body.tokensRevoked as { name: string }[]).map((t) => t.name),
        ['CMS « revoked »'],
      );
      assertProblem(await api({ token: revokedToken }, 'GET', '/api/shows'), 401, 'invalid-token');
    });

    it('never leaves the newsroom without an active administrator', async () => {
      const other = await newAccount('admin', 'Seconde administratrice');
      const asOther = await signIn(app.baseUrl, other.email, other.password);
      const adminId = ((await me(admin)).body.user as { id: string }).id;

      // The other administrator disables the first: allowed, one active admin remains.
      const off = await api(asOther, 'PATCH', `/api/users/${adminId}`, { disabled: true });
      assert.equal(off.status, 200);
      assert.equal((await me(admin)).status, 401);

      // Now alone, they cannot remove themselves in any way.
      for (const [method, body] of [
        ['PATCH', { role: 'editor' }],
        ['PATCH', { disabled: true }],
        ['DELETE', undefined],
      ] as const) {
        const res = await api(asOther, method, `/api/users/${other.id}`, body);
        assertProblem(res, 409, 'last-admin');
        assert.equal(res.body.title, 'This would leave no active administrator');
      }
      const self = await me(asOther);
      assert.equal(self.status, 200, 'refused changes left the session alone');
      assert.equal((self.body.user as { role: string }).role, 'admin');

      assert.equal(
        (await api(asOther, 'PATCH', `/api/users/${adminId}`, { disabled: false })).status,
        200,
      );
      admin = await signIn(app.baseUrl, ADMIN.email, ADMIN.password);

      // Two administrators demoting each other at the same moment: one of them stays.
      const [a, b] = await Promise.all([
        api(admin, 'PATCH', `/api/users/${other.id}`, { role: 'editor' }),
        api(asOther, 'PATCH', `/api/users/${adminId}`, { role: 'editor' }),
      ]);
      // The loser gets 409; or 401 / 403 when the winner's change was already committed
      // as its request was being authenticated (session ended, or role already editor).
      const statuses = [a.status, b.status].sort();
      assert.equal(statuses[0], 200, JSON.stringify([a.body, b.body]));
      assert.ok([401, 403, 409].includes(statuses[1]!), JSON.stringify([a.body, b.body]));
      const admins = (
        (await app.antenne.db.db
          .selectFrom('users')
          .select('id')
          .where('role', '=', 'admin')
          .where('disabled_at', 'is', null)
          .execute()) as { id: string }[]
      ).map((u) => u.id);
      assert.equal(admins.length, 1);
      // Put the first administrator back in charge for the tests that follow.
      if (admins[0] !== adminId) {
        const survivor = await signIn(app.baseUrl, other.email, other.password);
        assert.equal(
          (await api(survivor, 'PATCH', `/api/users/${adminId}`, { role: 'admin' })).status,
          200,
        );
      }
      admin = await signIn(app.baseUrl, ADMIN.email, ADMIN.password);
      assert.equal((await api(admin, 'GET', '/api/users')).status, 200);
    });

    // PGlite has one connection: transactions there cannot overlap at all.
    if (engine === 'postgres') {
      it('waits for a demotion in flight before counting the administrators left', async () => {
        const db = app.antenne.db.db;
        const other = await newAccount('admin', 'Administratrice pressée');
        const asOther = await signIn(app.baseUrl, other.email, other.password);
        const adminId = ((await me(admin)).body.user as { id: string }).id;

        // Another transaction demotes `other` and holds on before committing, as a
        // concurrent request would. Only its own target row is locked.
        let release!: () => void;
        const gate = new Promise<void>((resolve) => (release = resolve));
        let holding!: () => void;
        const held = new Promise<void>((resolve) => (holding = resolve));
        const inFlight = db.transaction().execute(async (trx) => {
          await trx
            .selectFrom('users')
            .select('id')
            .where('id', '=', other.id)
            .forUpdate()
            .execute();
          await trx
            .updateTable('users')
            .set({ role: 'editor' })
            .where('id', '=', other.id)
            .execute();
          holding();
          await gate;
        });
        await held;

        // Meanwhile `other` (still an administrator as far as committed data says) demotes
        // the first administrator. Let the transaction commit once the request waits on a
        // lock, or once it has answered (which it must not do while the other is open).
        const answer = api(asOther, 'PATCH', `/api/users/${adminId}`, { role: 'editor' });
        let answered = false;
        void answer.then(() => (answered = true));
        const deadline = Date.now() + 20_000;
        for (;;) {
          const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity
            where datname = current_database() and wait_event_type = 'Lock'`.execute(db);
          if (answered || rows[0]!.n > 0) break;
          assert.ok(Date.now() < deadline, 'the request neither waited on a lock nor answered');
          await new Promise((r) => setTimeout(r, 25));
        }
        release();
        await inFlight;

        assertProblem(await answer, 409, 'last-admin');
        const admins = await db
          .selectFrom('users')
          .select('id')
          .where('role', '=', 'admin')
          .where('disabled_at', 'is', null)
          .execute();
        assert.deepEqual(
          admins.map((u) => u.id),
          [adminId],
        );
        admin = await signIn(app.baseUrl, ADMIN.email, ADMIN.password);
      });
    }

    it('keeps account management to administrators’ sessions, with the CSRF token', async () => {
      const editor = await newAccount('editor');
      const asEditor = await signIn(app.baseUrl, editor.email, editor.password);
      const created = await api(admin, 'POST', '/api/tokens', { name: 'CMS' });
      const apiToken = created.body.token as string;
      const routes = [
        ['GET', '/api/users', undefined],
        ['PATCH', `/api/users/${editor.id}`, { disabled: true }],
        ['DELETE', `/api/users/${editor.id}`, undefined],
        ['POST', `/api/users/${editor.id}/password`, { password: 'un autre mot de passe' }],
        ['DELETE', `/api/users/${editor.id}/sessions`, undefined],
      ] as const;
      for (const [method, path, body] of routes) {
        for (const who of [asEditor, { token: TEST_TOKEN }, { token: apiToken }]) {
          const res = await api(who, method, path, body);
          assertProblem(res, 403, 'forbidden');
          assert.equal(res.body.title, 'Administrators only');
        }
        assertProblem(await api(null, method, path, body), 401, 'unauthorized');
        if (method !== 'GET') {
          assertProblem(await api(admin, method, path, body, { csrf: false }), 403, 'csrf');
        }
      }
      for (const [method, path] of [
        ['PUT', '/api/session/password'],
        ['POST', '/api/session/sign-out-everywhere'],
      ] as const) {
        assertProblem(await api(null, method, path, {}), 401, 'unauthorized');
      }
      // Nothing above got through.
      assert.equal((await me(asEditor)).status, 200);
      const row = (
        (await api(admin, 'GET', '/api/users')).body.users as Record<string, unknown>[]
      ).find((u) => u.id === editor.id);
      assert.equal(row?.disabled, false);
    });

    it('answers bad input with a 4xx problem naming the field', async () => {
      const editor = await newAccount('editor');
      const taken = await newAccount('editor');
      const s = await signIn(app.baseUrl, editor.email, editor.password);
      const cases: [string, string, unknown, number, string, string | undefined][] = [
        ['PATCH', `/api/users/${editor.id}`, { role: 'owner' }, 400, 'validation', 'role'],
        ['PATCH', `/api/users/${editor.id}`, { disabled: 'yes' }, 400, 'validation', 'disabled'],
        ['PATCH', `/api/users/${editor.id}`, { name: '   ' }, 400, 'validation', 'name'],
        [
          'PATCH',
          `/api/users/${editor.id}`,
          { email: 'pas-une-adresse' },
          400,
          'validation',
          'email',
        ],
        [
          'PATCH',
          `/api/users/${editor.id}`,
          { email: taken.email.toUpperCase() },
          409,
          'conflict',
          'email',
        ],
        ['PATCH', '/api/users/inconnu', { disabled: true }, 404, 'not-found', undefined],
        ['PATCH', '/api/users/Pas%20un%20id!', { disabled: true }, 400, 'validation', 'id'],
        ['DELETE', '/api/users/inconnu', undefined, 404, 'not-found', undefined],
        ['DELETE', '/api/users/Pas%20un%20id!', undefined, 400, 'validation', 'id'],
        [
          'POST',
          `/api/users/${editor.id}/password`,
          { password: '' },
          400,
          'validation',
          'password',
        ],
        ['POST', `/api/users/${editor.id}/password`, {}, 400, 'validation', 'password'],
        [
          'POST',
          '/api/users/inconnu/password',
          { password: 'assez long pour passer' },
          404,
          'not-found',
          undefined,
        ],
        ['DELETE', '/api/users/inconnu/sessions', undefined, 404, 'not-found', undefined],
        [
          'POST',
          '/api/users',
          { email: 'x@example.org', name: 'X', password: '', role: 'editor' },
          400,
          'validation',
          'password',
        ],
        [
          'POST',
          '/api/users',
          { email: 'y@example.org', name: 'Y', password: 'assez long pour passer', role: 'chef' },
          400,
          'validation',
          'role',
        ],
      ];
      for (const [method, path, body, status, type, field] of cases) {
        const res = await api(admin, method, path, body);
        assert.ok(res.status < 500);
        assertProblem(res, status, type, field);
      }
      const unknownKey = await api(admin, 'PATCH', `/api/users/${editor.id}`, { disable: true });
      assert.equal(unknownKey.status, 400);
      assert.match(JSON.stringify(unknownKey.body), /disable/);

      for (const [body, field] of [
        [{ currentPassword: editor.password, newPassword: '' }, 'newPassword'],
        [{ newPassword: 'un nouveau mot de passe' }, 'currentPassword'],
      ] as const) {
        assertProblem(await api(s, 'PUT', '/api/session/password', body), 400, 'validation', field);
      }
      // Nothing changed for the account the bad calls were about.
      const row = (
        (await api(admin, 'GET', '/api/users')).body.users as Record<string, unknown>[]
      ).find((u) => u.id === editor.id);
      assert.deepEqual(
        [row?.role, row?.disabled, row?.name, row?.email],
        ['editor', false, editor.name, editor.email],
      );
      assert.equal((await me(s)).status, 200);
    });
  });
}
