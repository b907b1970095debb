/**
 * `npm run feed:check -- <feed URL or show slug>`: what Apple Podcasts or the
 * Podcasting 2.0 namespace would reject. A slug is read from this instance's
 * PUBLIC_URL (the server must be running). Exit code 1 when there are errors.
 */
import { checkFeed } from '../src/feeds/check.js';
import { FEED_CHECK_LIMITS } from '../src/feeds/check.js';
import { safeFetch } from '../src/net/safe-fetch.js';
import { loadConfig } from '../src/core/config.js';
import { slugSchema } from '../src/core/schemas.js';
import { publicUrls } from '../src/core/urls.js';

async function main(): Promise<number> {
  const target = process.argv[2];
  if (!target) {
    process.stderr.write('Usage: npm run feed:check -- <feed URL or show slug>\n');
    return 2;
  }
  let url = target;
  if (!/^https?:\/\//.test(target)) {
    if (!slugSchema.safeParse(target).success) {
      process.stderr.write(`"${target}" is neither an http(s) URL nor a show slug.\n`);
      return 2;
    }
    url = publicUrls(loadConfig().publicUrl).feed(target);
  }
  const res = await fetch(url);
  if (!res.ok) {
    process.stderr.write(`${url} answers HTTP ${res.status}.\n`);
    return 1;
  }
  // The operator's own tool on the operator's machine: any address, same deadline and caps.
  const result = await checkFeed(await res.text(), {
    fetch: (target, method) =>
      safeFetch(target, {
        policy: { allowPrivate: true, allowedHosts: [] },
        limits: FEED_CHECK_LIMITS,
        method,
        userAgent: 'Antenne/1.0 (feed check)',
      }),
  });
  const errors = result.problems.filter((p) => p.severity === 'error');
  const warnings = result.problems.filter((p) => p.severity === 'warning');
  process.stdout.write(
    `${url}: ${result.items} items, ${errors.length} errors, ${warnings.length} warnings\n`,
  );
  for (const p of result.problems) {
    process.stdout.write(
      `  ${p.severity === 'error' ? 'ERROR  ' : 'warning'} ${p.where}: ${p.message}\n`,
    );
  }
  return errors.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `feed:check failed: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  },
);
