/**
 * Fetches an article page for the prefill through the one SSRF-safe fetcher
 * (src/net/safe-fetch.ts): public addresses only unless PREFILL_ALLOWED_HOSTS or
 * PREFILL_ALLOW_PRIVATE say otherwise, 8 s, 2 MiB, 3 redirects.
 */
import { fetchProblem, SafeFetchError } from '../../net/fetch-error.js';
import type { FetchPolicy } from '../../net/fetch-policy.js';
import { safeFetch, type FetchLimits } from '../../net/safe-fetch.js';

export type { FetchPolicy };

export const PREFILL_LIMITS: FetchLimits = {
  timeoutMs: 8000,
  maxBytes: 2 * 1024 * 1024,
  maxRedirects: 3,
};

export interface FetchedPage {
  readonly url: string;
  readonly html: string;
}

const FAILED_TITLE = 'The article page could not be read';
const unusable = (detail: string) =>
  fetchProblem(new SafeFetchError('failed', detail), 'url', FAILED_TITLE);

function decode(body: Buffer, contentType: string): string {
  const charset = /charset=["']?([\w-]+)/i.exec(contentType)?.[1] ?? 'utf-8';
  try {
    return new TextDecoder(charset).decode(body);
  } catch {
    return new TextDecoder('utf-8').decode(body);
  }
}

export async function fetchArticlePage(
  raw: string,
  policy: FetchPolicy,
  limits: FetchLimits = PREFILL_LIMITS,
): Promise<FetchedPage> {
  const res = await safeFetch(raw, {
    policy,
    limits,
    userAgent: 'AntenneStudio/1.0 (article prefill)',
    accept: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.1',
  }).catch((error: unknown) => {
    throw error instanceof SafeFetchError ? fetchProblem(error, 'url', FAILED_TITLE) : error;
  });
  if (!res.ok) throw unusable(`the page answered with HTTP status ${res.status}`);
  const type = String(res.headers['content-type'] ?? '');
  if (type && !/html|xml/i.test(type)) {
    throw unusable(`the address is not a web page (${type.split(';')[0]})`);
  }
  return { url: res.url, html: decode(res.body, type) };
}
