/**
 * Accounts in real Chromium: an administrator (French UI) disables a user from the
 * users page and that user's next page load goes to sign-in; enabled again, the user
 * (English UI) changes their password from "My account" and signs out everywhere;
 * a deletion asks for confirmation first. Every control is labelled, and no two
 * controls on a page share a name.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { launchChromium } from '../helpers/browser.js';
import { ADMIN, ADMIN_ENV, call, signIn, trySignIn, type Session } from '../helpers/sessions.js';

const ARTIFACTS = path.resolve('test-artifacts');
const EDITOR = {
  email: 'elise@example.org',
  name: 'Élise Lefèvre',
  password: 'la rédaction « numérique »',
  role: 'editor',
};
const LEAVING = {
  email: 'jean@example.org',
  name: 'Jean Dupont',
  password: 'un stagiaire qui s’en va',
  role: 'editor',
};

/** The name each visible control is announced by; none missing, none twice. */
async function assertDistinctlyLabelled(page: Page): Promise<void> {
  const names = await page.evaluate(() =>
    Array.from(document.querySelectorAll<HTMLElement>('input, select, textarea, button'))
      .filter((el) => !(el instanceof HTMLInputElement && el.type === 'hidden'))
      .filter((el) => el.checkVisibility())
      .map((el) => {
        const aria = el.getAttribute('aria-label');
        const labels = Array.from((el as HTMLInputElement).labels ?? []);
        const text = el instanceof HTMLButtonElement ? el.textContent?.trim() : '';
        return {
          html: el.outerHTML.slice(0, 80),
          name: aria || labels.map((l) => l.textContent?.trim()).join(' ') || text || '',
        };
      }),
  );
  assert.deepEqual(
    names.filter((n) => !n.name).map((n) => n.html),
    [],
    `unlabelled controls on ${page.url()}`,
  );
  const seen = names.map((n) => n.name);
  const twice = seen.filter((n, i) => seen.indexOf(n) !== i);
  assert.deepEqual(twice, [], `controls sharing a name on ${page.url()}`);
}

async function signInPage(page: Page, baseUrl: string, email: string, password: string) {
  await page.goto(`${baseUrl}/studio/login`);
  await page.fill('#f-email', email);
  await page.fill('#f-password', password);
  await page.click('#login-form button[type="submit"]');
}

describe('accounts in Chromium: users page and "my account"', function () {
  // Longer than the layer’s timeout: each test walks many pages in Chromium, with password hashing on the way.
  this.timeout(180_000);
  let app: TestApp;
  let browser: Browser;
  let adminContext: BrowserContext;
  let editorContext: BrowserContext;
  let adminPage: Page;
  let editorPage: Page;
  let editorId: string;

  const shot = (page: Page, name: string) =>
    page.screenshot({ path: path.join(ARTIFACTS, `accounts-${name}.png`), fullPage: true });
  const row = (name: string) => adminPage.locator('li.user', { hasText: name });

  before(async () => {
    await fs.mkdir(ARTIFACTS, { recursive: true });
    app = await startTestApp({
      engine: 'pglite',
      worker: false,
      env: ADMIN_ENV,
    });
    const admin = await signIn(app.baseUrl, ADMIN.email, ADMIN.password);
    for (const account of [EDITOR, LEAVING]) {
      const res = await call(app.baseUrl, admin, 'POST', '/api/users', account);
      assert.equal(res.status, 201);
      if (account === EDITOR) editorId = res.body.id as string;
    }
    browser = await launchChromium();
    adminContext = await browser.newContext({ locale: 'fr-FR' });
    editorContext = await browser.newContext({ locale: 'en-GB' });
    adminPage = await adminContext.newPage();
    editorPage = await editorContext.newPage();
  });
  after(async () => {
    await browser?.close();
    await app?.close();
  });

  it('an administrator disables a user from the users page; their next page load goes to sign-in', async () => {
    await signInPage(editorPage, app.baseUrl, EDITOR.email, EDITOR.password);
    await editorPage.waitForURL(/\/studio\/shows$/);

    await signInPage(adminPage, app.baseUrl, ADMIN.email, ADMIN.password);
    await adminPage.waitForURL(/\/studio\/shows$/);
    await adminPage.getByRole('link', { name: 'Utilisateurs' }).click();
    await adminPage.waitForURL(/\/studio\/users$/);
    await assertDistinctlyLabelled(adminPage);
    assert.match((await row(EDITOR.name).textContent()) ?? '', /Sessions ouvertes : 1/);
    await shot(adminPage, '01-users');

    await adminPage
      .getByRole('button', { name: `Désactiver — ${EDITOR.name}`, exact: true })
      .click();
    await row(EDITOR.name).locator('.user-state', { hasText: 'Désactivé' }).waitFor();
    assert.match((await row(EDITOR.name).textContent()) ?? '', /Sessions ouvertes : 0/);
    await shot(adminPage, '02-disabled');

    const next = await editorPage.goto(`${app.baseUrl}/studio/shows`);
    assert.equal(next?.status(), 200);
    assert.match(editorPage.url(), /\/studio\/login\?next=%2Fstudio%2Fshows$/);

    // Signing in again says why it fails, in the user's language.
    await editorPage.fill('#f-email', EDITOR.email);
    await editorPage.fill('#f-password', EDITOR.password);
    await editorPage.click('#login-form button[type="submit"]');
    await editorPage
      .locator('#login-form [data-error-for="(form)"]', {
        hasText: 'This account is disabled: ask an administrator to enable it again.',
      })
      .waitFor();
    await shot(editorPage, '03-disabled-sign-in');
  });

  it('enabled again, the user signs in and changes their password from "My account"', async () => {
    await adminPage
      .getByRole('button', { name: `Réactiver — ${EDITOR.name}`, exact: true })
      .click();
    await row(EDITOR.name).locator('.user-state', { hasText: 'Actif' }).waitFor();

    await editorPage.click('#login-form button[type="submit"]');
    await editorPage.waitForURL(/\/studio\/shows$/);
    const elsewhere: Session = await signIn(app.baseUrl, EDITOR.email, EDITOR.password);

    await editorPage.getByRole('link', { name: 'My account' }).click();
    await editorPage.waitForURL(/\/studio\/account$/);
    await assertDistinctlyLabelled(editorPage);
    assert.equal(await editorPage.textContent('#account-email'), EDITOR.email);

    const newPassword = '  un mot de passe tout neuf  ';
    await editorPage.getByLabel('Current password').fill('not my password at all');
    await editorPage.getByLabel('New password', { exact: true }).fill(newPassword);
    await editorPage.getByLabel('New password, once more').fill(newPassword);
    await editorPage.getByRole('button', { name: 'Change my password' }).click();
    const currentError = editorPage.locator('[data-error-for="currentPassword"]');
    await currentError.filter({ hasText: 'This is not your current password.' }).waitFor();
    assert.equal(await editorPage.getAttribute('#f-currentPassword', 'aria-invalid'), 'true');
    await shot(editorPage, '04-wrong-current');

    await editorPage.getByLabel('Current password').fill(EDITOR.password);
    await editorPage.getByRole('button', { name: 'Change my password' }).click();
    await editorPage.locator('#password-status', { hasText: 'Password changed.' }).waitFor();
    assert.equal(await currentError.textContent(), '');
    await shot(editorPage, '05-changed');

    // This session goes on; the other one ended; the new password (spaces and all) signs in.
    const reloaded = await editorPage.reload();
    assert.equal(reloaded?.status(), 200);
    assert.match(editorPage.url(), /\/studio\/account$/);
    assert.equal((await call(app.baseUrl, elsewhere, 'GET', '/api/session')).status, 401);
    assert.equal((await trySignIn(app.baseUrl, EDITOR.email, EDITOR.password)).status, 401);
    const again = await signIn(app.baseUrl, EDITOR.email, newPassword);

    await editorPage.getByRole('button', { name: 'Sign out everywhere' }).click();
    await editorPage.waitForURL(/\/studio\/login$/);
    assert.equal((await call(app.baseUrl, again, 'GET', '/api/session')).status, 401);
    const users = (
      await call(
        app.baseUrl,
        await signIn(app.baseUrl, ADMIN.email, ADMIN.password),
        'GET',
        '/api/users',
      )
    ).body.users as { id: string; activeSessions: number }[];
    assert.equal(users.find((u) => u.id === editorId)?.activeSessions, 0);
  });

  it('deletes an account only once the dialog is confirmed', async () => {
    await adminPage.reload();
    await adminPage
      .getByRole('button', { name: `Supprimer — ${LEAVING.name}`, exact: true })
      .click();
    const dialog = adminPage.locator('#delete-dialog');
    await dialog.waitFor({ state: 'visible' });
    assert.match((await dialog.textContent()) ?? '', /Jean Dupont ne pourra plus se connecter/);
    // Jean created no API token: nothing to offer revoking.
    assert.equal(await adminPage.locator('#delete-revoke').isVisible(), false);
    await assertDistinctlyLabelled(adminPage);
    await shot(adminPage, '06-delete-dialog');
    await adminPage.getByRole('button', { name: 'Annuler' }).click();
    await dialog.waitFor({ state: 'hidden' });
    assert.equal(await row(LEAVING.name).count(), 1);

    await adminPage
      .getByRole('button', { name: `Supprimer — ${LEAVING.name}`, exact: true })
      .click();
    await adminPage.getByRole('button', { name: 'Supprimer le compte' }).click();
    await row(LEAVING.name).waitFor({ state: 'detached' });
    assert.equal((await trySignIn(app.baseUrl, LEAVING.email, LEAVING.password)).status, 401);
  });
});
