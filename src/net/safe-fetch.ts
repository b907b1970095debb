/**
 * The one fetcher for every server-side fetch of a URL that came from outside
 * (an article page for the prefill, a show's artwork for the feed check, the
 * WebSub hub's ping…): http(s) only; public unicast destinations only, checked
 * before sending and inside the connecting socket's DNS lookup (see
 * fetch-policy.ts); every redirect of a GET or HEAD followed by hand and checked
 * again (a POST's redirect is its answer); one deadline for the whole
 * exchange, redirects and body included; a byte cap on the body, which is
 * streamed and cut off past the cap, never buffered whole. A refused address is
 * refused before any connection, so the answer cannot tell an open port from a
 * closed one, by its content or by its timing.
 */
import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import { failed, refused, SafeFetchError } from './fetch-error.js';
import {
  checkTarget,
  guardedLookup,
  isRefusedLookup,
  type CheckedTarget,
  type FetchPolicy,
} from './fetch-policy.js';
import { formatBytes } from '../core/byte-size.js';

export interface FetchLimits {
  /** For the whole fetch: every redirect, the headers and the body. */
  readonly timeoutMs: number;
  readonly maxBytes: number;
  readonly maxRedirects: number;
}

/** Overrides of one caller's policy and limits (tests reaching their local servers). */
export interface FetchRules {
  readonly policy?: FetchPolicy;
  readonly limits?: FetchLimits;
}

export interface SafeFetchRequest {
  readonly policy: FetchPolicy;
  readonly limits: FetchLimits;
  readonly method?: 'GET' | 'HEAD' | 'POST';
  /** The body of a POST (a WebSub ping's form). */
  readonly body?: { readonly type: string; readonly bytes: Buffer };
  readonly userAgent: string;
  readonly accept?: string;
}

export interface SafeResponse {
  /** The URL that answered, after redirects. */
  readonly url: string;
  readonly status: number;
  readonly ok: boolean;
  readonly headers: IncomingHttpHeaders;
  /** The body of a 2xx answer to a GET or POST (empty otherwise), at most `maxBytes`. */
  readonly body: Buffer;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const TLS_CODE = /^(ERR_TLS|ERR_SSL|CERT_|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED|HOSTNAME_MISMATCH)/;

/** One request, no redirect following; resolves once the body is read (or skipped). */
function exchange(
  target: CheckedTarget,
  request: SafeFetchRequest,
  signal: AbortSignal,
): Promise<Omit<SafeResponse, 'url' | 'ok'>> {
  const method = request.method ?? 'GET';
  const { maxBytes } = request.limits;
  const client = target.url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(target.url, {
      method,
      // A fresh connection each time: no socket kept for, or shared with, another target.
      agent: false,
      lookup: guardedLookup(target),
      signal,
      headers: {
        'user-agent': request.userAgent,
        accept: request.accept ?? '*/*',
        'accept-encoding': 'identity',
        ...(request.body
          ? { 'content-type': request.body.type, 'content-length': request.body.bytes.length }
          : {}),
      },
    });
    req.on('error', reject);
    req.on('response', (res) => {
      const status = res.statusCode ?? 0;
      const headers = res.headers;
      res.on('error', reject);
      if (method === 'HEAD' || status < 200 || status >= 300) {
        // Redirects and errors are judged on status and headers: their body is not read.
        res.destroy();
        return resolve({ status, headers, body: Buffer.alloc(0) });
      }
      const tooLarge = () => failed(`the answer is larger than ${formatBytes(maxBytes)}`);
      if (Number(headers['content-length']) > maxBytes) {
        res.destroy();
        return reject(tooLarge());
      }
      const chunks: Buffer[] = [];
      let total = 0;
      res.on('data', (chunk: Buffer) => {
        total += chunk.length;
        if (total > maxBytes) {
          res.destroy();
          return reject(tooLarge());
        }
        chunks.push(chunk);
      });
      res.on('end', () => resolve({ status, headers, body: Buffer.concat(chunks) }));
      res.on('close', () => {
        if (!res.complete) reject(failed('the connection closed before the answer was complete'));
      });
    });
    req.end(request.body?.bytes);
  });
}

/** Turns a socket, DNS or TLS error into a sentence for an editor. */
function explain(error: unknown, target: CheckedTarget, aborted: boolean, timeoutMs: number) {
  if (error instanceof SafeFetchError) return error;
  const seconds = Math.round(timeoutMs / 100) / 10;
  if (aborted) return failed(`${target.host} gave no complete answer within ${seconds} s`);
  const e = error as NodeJS.ErrnoException;
  const code = e.code ?? '';
  if (isRefusedLookup(e)) return refused(e.message);
  if (code === 'ENOTFOUND') return failed(`the host ${target.host} does not exist`);
  if (code === 'EAI_AGAIN') return failed(`the host name ${target.host} could not be resolved`);
  if (code === 'ECONNREFUSED') return failed(`${target.host} refused the connection`);
  if (code === 'ECONNRESET' || code === 'EPIPE') return failed('the connection was cut');
  if (TLS_CODE.test(code)) return failed(`the HTTPS certificate of ${target.host} is not valid`);
  if (code.startsWith('HPE_')) return failed(`${target.host} did not answer in HTTP`);
  return failed(`the connection to ${target.host} failed${code ? ` (${code})` : ''}`);
}

/**
 * Fetches `raw` under `policy` and `limits`. Resolves with any HTTP status (the
 * caller decides what a 404 means); rejects with a SafeFetchError only.
 */
export async function safeFetch(raw: string, request: SafeFetchRequest): Promise<SafeResponse> {
  const { timeoutMs, maxRedirects } = request.limits;
  let target = checkTarget(raw, request.policy);
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), timeoutMs);
  try {
    for (let hop = 0; ; hop++) {
      let res: Omit<SafeResponse, 'url' | 'ok'>;
      try {
        res = await exchange(target, request, deadline.signal);
      } catch (error) {
        throw explain(error, target, deadline.signal.aborted, timeoutMs);
      }
      const location = res.headers.location;
      // A POST is not sent again elsewhere: its redirect is its answer.
      if (REDIRECTS.has(res.status) && location && request.method !== 'POST') {
        if (hop >= maxRedirects) throw failed(`more than ${maxRedirects} redirects`);
        let next: string;
        try {
          next = new URL(location, target.url).toString();
        } catch {
          throw failed('it redirects to an address that is not a URL');
        }
        target = checkTarget(next, request.policy);
        continue;
      }
      const ok = res.status >= 200 && res.status < 300;
      return { ...res, url: target.url.toString(), ok };
    }
  } finally {
    clearTimeout(timer);
  }
}
