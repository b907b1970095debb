import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { hash as argon2Hash, verify as argon2Verify } from '@node-rs/argon2';
import { AppError, fieldProblem } from '../core/errors.js';
import { newId } from '../core/ids.js';
import type { ApiToken, ApiTokensRepository } from '../db/repositories/api-tokens.repo.js';
import type { SessionsRepository } from '../db/repositories/sessions.repo.js';
import type {
  User,
  UserChange,
  UserListing,
  UsersRepository,
} from '../db/repositories/users.repo.js';
import type { Role } from '../db/schema.js';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../core/passwords.js';

/** How long an expired session is still recognised (to say "expired" rather than nothing). */
const EXPIRED_SESSION_KEPT_MS = 7 * 86_400_000;

export const sha256Hex = (value: string) => createHash('sha256').update(value).digest('hex');
const secret = (bytes = 32) => randomBytes(bytes).toString('base64url');

/** Constant-time string comparison that does not leak the length through an early return. */
export function safeEqual(a: string, b: string): boolean {
  const da = createHash('sha256').update(a).digest();
  const db = createHash('sha256').update(b).digest();
  return timingSafeEqual(da, db) && a.length === b.length;
}

/**
 * The one password rule, wherever a password is set (new account, reset, change):
 * a length, as NIST SP 800-63B advises, rather than character classes.
 */
export function passwordProblem(password: string, field: string): AppError | null {
  if (password.length >= MIN_PASSWORD_LENGTH && password.length <= MAX_PASSWORD_LENGTH) return null;
  const short = password.length < MIN_PASSWORD_LENGTH;
  return fieldProblem(short ? 'The password is too short' : 'The password is too long', {
    field,
    message: short
      ? `must be at least ${MIN_PASSWORD_LENGTH} characters`
      : `must be at most ${MAX_PASSWORD_LENGTH} characters`,
  });
}

const userNotFound = (id: string) =>
  new AppError(404, 'not-found', 'User not found', `No user has the id "${id}".`);
/** Verified against when the e-mail is unknown, so both failures take the same time. */
const DUMMY_HASH = argon2Hash('antenne-dummy-password-for-timing');

export interface SessionView {
  readonly user: User;
  readonly csrfToken: string;
  readonly idHash: string;
}

export class AccountService {
  constructor(
    private readonly users: UsersRepository,
    private readonly sessions: SessionsRepository,
    private readonly tokens: ApiTokensRepository,
    private readonly options: { sessionTtlMs: number },
  ) {}

  async createUser(input: {
    email: string;
    name: string;
    password: string;
    role: Role;
  }): Promise<User> {
    const email = input.email.trim().toLowerCase();
    const weak = passwordProblem(input.password, 'password');
    if (weak) throw weak;
    if (await this.users.findByEmail(email)) {
      throw new AppError(409, 'conflict', 'This e-mail already has an account', undefined, [
        { field: 'email', message: 'is already used' },
      ]);
    }
    return this.users.insert({
      id: newId(),
      email,
      name: input.name.trim(),
      role: input.role,
      passwordHash: await argon2Hash(input.password),
    });
  }

  /** Checks the password and opens a session; one message for every failure, as it should be. */
  async login(
    emailInput: string,
    password: string,
  ): Promise<{ sessionToken: string; csrfToken: string; user: User; expiresAt: Date }> {
    const user = await this.users.findByEmail(emailInput.trim().toLowerCase());
    const valid = await argon2Verify(user?.passwordHash ?? (await DUMMY_HASH), password);
    if (!user || !valid) {
      throw new AppError(
        401,
        'wrong-credentials',
        'Wrong e-mail or password',
        'Check the e-mail address and the password, then try again.',
      );
    }
    // Said only to someone who has just given the right password: it tells a guesser
    // nothing, and tells the person why they cannot get in and whom to ask.
    if (user.disabled) {
      throw new AppError(
        403,
        'account-disabled',
        'This account is disabled',
        'An administrator disabled it. Ask one of them to enable it again.',
      );
    }
    const sessionToken = secret();
    const csrfToken = secret(24);
    const expiresAt = new Date(Date.now() + this.options.sessionTtlMs);
    // Expired rows are kept a while so every page and call can say "expired"; swept here.
    await this.sessions.deleteExpired(new Date(Date.now() - EXPIRED_SESSION_KEPT_MS));
    await this.sessions.insert({
      idHash: sha256Hex(sessionToken),
      userId: user.id,
      csrfToken,
      expiresAt,
    });
    const publicUser: User = {
      id: user.id,
      email: user.email,
      name: user.name,
      role: user.role,
      createdAt: user.createdAt,
      disabled: user.disabled,
    };
    return { sessionToken, csrfToken, user: publicUser, expiresAt };
  }

  /** The live session for a cookie value: 'expired' is told apart so the UI can say so. */
  async resolveSession(sessionToken: string): Promise<SessionView | 'expired' | null> {
    const idHash = sha256Hex(sessionToken);
    const session = await this.sessions.find(idHash);
    if (!session) return null;
    if (session.expiresAt.getTime() <= Date.now()) return 'expired';
    const user = await this.users.findById(session.userId);
    if (!user || user.disabled) return null;
    return { user, csrfToken: session.csrfToken, idHash };
  }

  async logout(sessionToken: string): Promise<void> {
    await this.sessions.delete(sha256Hex(sessionToken));
  }

  /** A new API token: the plaintext is returned once and only its hash is kept. */
  async createApiToken(
    name: string,
    createdBy: string | null,
  ): Promise<{ token: string; record: ApiToken }> {
    const token = `ant_${secret()}`;
    const record = await this.tokens.insert({
      id: newId(),
      name,
      tokenHash: sha256Hex(token),
      prefix: token.slice(0, 8),
      createdBy,
    });
    return { token, record };
  }

  resolveApiToken(token: string): Promise<ApiToken | undefined> {
    return this.tokens.use(sha256Hex(token));
  }

  listApiTokens(): Promise<ApiToken[]> {
    return this.tokens.list();
  }

  async revokeApiToken(id: string): Promise<ApiToken> {
    const revoked = await this.tokens.revoke(id);
    if (!revoked)
      throw new AppError(404, 'not-found', 'Token not found', `No API token has the id "${id}".`);
    return revoked;
  }

  /** Users with their live sessions and tokens, for the administrators' page. */
  listUsersWithAccess(): Promise<UserListing[]> {
    return this.users.listWithAccess();
  }

  /**
   * Changes an account. A change of role or of the disabled flag ends all the user's
   * sessions at once (they sign in again under the new rights); a new name or e-mail
   * does not. Refused with 409 when it would leave no active administrator.
   */
  async updateUser(id: string, input: UserChange): Promise<{ user: User; sessionsEnded: number }> {
    const change: UserChange = {
      ...input,
      ...(input.email !== undefined ? { email: input.email.trim().toLowerCase() } : {}),
      ...(input.name !== undefined ? { name: input.name.trim() } : {}),
    };
    return this.inTransaction(async ({ users, sessions }) => {
      await users.lockActiveAdmins();
      const before = await users.findForUpdate(id);
      if (!before) throw userNotFound(id);
      if (change.email !== undefined && change.email !== before.email) {
        const holder = await users.findByEmail(change.email);
        if (holder && holder.id !== id) {
          throw new AppError(409, 'conflict', 'This e-mail already has an account', undefined, [
            { field: 'email', message: 'is already used' },
          ]);
        }
      }
      const user = (await users.update(id, change))!;
      const accessChanged = user.role !== before.role || user.disabled !== before.disabled;
      if (!accessChanged) return { user, sessionsEnded: 0 };
      await this.assertAnActiveAdminRemains(users, 'change');
      return { user, sessionsEnded: await sessions.deleteAllOf(id) };
    });
  }

  /**
   * Deletes an account and ends its sessions. What it made stays: shows and episodes
   * do not record their author, and its API tokens keep working (integrations rely on
   * them) unless `revokeTokens` asks to revoke them too.
   */
  async deleteUser(
    id: string,
    options: { revokeTokens: boolean },
  ): Promise<{ user: User; sessionsEnded: number; tokensRevoked: ApiToken[] }> {
    return this.inTransaction(async ({ users, sessions, tokens }) => {
      await users.lockActiveAdmins();
      const user = await users.findForUpdate(id);
      if (!user) throw userNotFound(id);
      const sessionsEnded = await sessions.deleteAllOf(id);
      const tokensRevoked = options.revokeTokens ? await tokens.revokeCreatedBy(id) : [];
      await users.delete(id);
      await this.assertAnActiveAdminRemains(users, 'delete');
      return { user, sessionsEnded, tokensRevoked };
    });
  }

  /** An administrator sets a new password for someone; all that person's sessions end. */
  resetPassword(id: string, password: string): Promise<{ sessionsEnded: number }> {
    return this.replacePassword(id, password, 'password');
  }

  /**
   * A signed-in user changes their own password, proving the current one. Their other
   * sessions end (a stolen cookie stops working); the one making the change goes on.
   */
  async changeOwnPassword(
    userId: string,
    sessionToken: string,
    currentPassword: string,
    newPassword: string,
  ): Promise<{ sessionsEnded: number }> {
    const user = await this.users.findWithHashById(userId);
    if (!user) throw userNotFound(userId);
    if (!(await argon2Verify(user.passwordHash, currentPassword))) {
      throw new AppError(
        403,
        'wrong-password',
        'The current password is wrong',
        'Type the password you sign in with now, then the new one.',
        [{ field: 'currentPassword', message: 'is not your current password' }],
      );
    }
    return this.replacePassword(userId, newPassword, 'newPassword', sha256Hex(sessionToken));
  }

  /**
   * Checks and stores a new password (`field` names it in a refusal), then ends the
   * person's sessions, except the one whose id hash is `keepSessionHash`.
   */
  private async replacePassword(
    userId: string,
    password: string,
    field: string,
    keepSessionHash?: string,
  ): Promise<{ sessionsEnded: number }> {
    const weak = passwordProblem(password, field);
    if (weak) throw weak;
    // Hashed before the transaction: argon2 takes a while, row locks should not.
    const passwordHash = await argon2Hash(password);
    return this.inTransaction(async ({ users, sessions }) => {
      if (!(await users.findForUpdate(userId))) throw userNotFound(userId);
      await users.setPasswordHash(userId, passwordHash);
      return { sessionsEnded: await sessions.deleteAllOf(userId, keepSessionHash) };
    });
  }

  /** Ends every session of the user (an administrator's "sign out everywhere" for them). */
  async endSessions(id: string): Promise<{ sessionsEnded: number }> {
    if (!(await this.users.findById(id))) throw userNotFound(id);
    return { sessionsEnded: await this.sessions.deleteAllOf(id) };
  }

  /** "Sign out everywhere": every session of the user, the caller's included. */
  async signOutEverywhere(userId: string): Promise<{ sessionsEnded: number }> {
    return { sessionsEnded: await this.sessions.deleteAllOf(userId) };
  }

  private inTransaction<T>(
    fn: (repos: {
      users: UsersRepository;
      sessions: SessionsRepository;
      tokens: ApiTokensRepository;
    }) => Promise<T>,
  ): Promise<T> {
    return this.users.transaction((trx) =>
      fn({
        users: this.users.bind(trx),
        sessions: this.sessions.bind(trx),
        tokens: this.tokens.bind(trx),
      }),
    );
  }

  /** Throws (rolling the transaction back) when no enabled administrator would be left. */
  private async assertAnActiveAdminRemains(
    users: UsersRepository,
    action: 'change' | 'delete',
  ): Promise<void> {
    if ((await users.countActiveAdmins()) > 0) return;
    throw new AppError(
      409,
      'last-admin',
      'This would leave no active administrator',
      action === 'delete'
        ? 'Make another account an administrator first, then delete this one.'
        : 'Make another account an administrator first: someone must be able to manage accounts.',
    );
  }

  async hasUsers(): Promise<boolean> {
    return (await this.users.count()) > 0;
  }
}
