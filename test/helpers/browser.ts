import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium, headless, with no background traffic (this network is closed). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/**
 * Signs `who` in through the studio's form and waits for the shows page. A page
 * already on the sign-in form (a test that followed the redirect to it) is used as it is.
 */
export async function signInToStudio(
  page: Page,
  baseUrl: string,
  who: { readonly email: string; readonly password: string },
): Promise<void> {
  if (!new URL(page.url(), baseUrl).pathname.startsWith('/studio/login'))
    await page.goto(`${baseUrl}/studio/login`);
  await page.fill('#f-email', who.email);
  await page.fill('#f-password', who.password);
  await page.click('#login-form button[type="submit"]');
  await page.waitForURL(/\/studio\/shows$/);
}
