/** Studio sessions over real HTTP: sign in, then call the API as that session. */
import assert from 'node:assert/strict';

/** The first administrator a test app creates from ADMIN_ENV. */
export const ADMIN = { email: 'admin@example.org', password: 'correct horse battery staple' };
/** What a test app's environment says to create ADMIN at start. */
export const ADMIN_ENV = { ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password };

export interface Session {
  readonly cookie: string;
  readonly csrfToken: string;
}

export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Record<string, unknown> & {
    type?: string;
    title?: string;
    errors?: { field: string; message: string }[];
  };
}

/** Signs in and returns the session cookie and CSRF token; fails the test on any other answer. */
export async function signIn(baseUrl: string, email: string, password: string): Promise<Session> {
  const res = await trySignIn(baseUrl, email, password);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
  return { cookie, csrfToken: (res.body as { csrfToken: string }).csrfToken };
}

export function trySignIn(baseUrl: string, email: string, password: string): Promise<Answer> {
  return call(baseUrl, null, 'POST', '/api/session', { email, password });
}

/**
 * One API call as `who`: a session (cookie, and its CSRF token unless `csrf: false`),
 * a bearer token, or nobody.
 */
export async function call(
  baseUrl: string,
  who: Session | { token: string } | null,
  method: string,
  path: string,
  body?: unknown,
  options: { csrf?: boolean } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (who && 'cookie' in who) {
    headers.cookie = who.cookie;
    if (options.csrf !== false) headers['x-csrf-token'] = who.csrfToken;
  } else if (who) {
    headers.authorization = `Bearer ${who.token}`;
  }
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    body: text ? (JSON.parse(text) as Answer['body']) : {},
  };
}
