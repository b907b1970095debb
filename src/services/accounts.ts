import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { hash as argon2Hash, verify as argon2Verify } from '@node-rs/argon2';
import { AppError } from '../core/errors.js';
import { newId } from '../core/ids.js';
import type { ApiToken, ApiTokensRepository } from '../db/repositories/api-tokens.repo.js';
import type { SessionsRepository } from '../db/repositories/sessions.repo.js';
import type { User, UsersRepository } from '../db/repositories/users.repo.js';
import type { Role } from '../db/schema.js';

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

export const MIN_PASSWORD_LENGTH = 12;
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
    if (input.password.length < MIN_PASSWORD_LENGTH) {
      throw new AppError(400, 'validation', 'The password is too short', undefined, [
        { field: 'password', message: `must be at least ${MIN_PASSWORD_LENGTH} characters` },
      ]);
    }
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
    if (!user || !valid || user.disabled) {
      throw new AppError(
        401,
        'wrong-credentials',
        'Wrong e-mail or password',
        'Check the e-mail address and the password, then try again.',
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

  listUsers(): Promise<User[]> {
    return this.users.list();
  }

  async hasUsers(): Promise<boolean> {
    return (await this.users.count()) > 0;
  }
}
