/**
 * Text media on /media (waveform peaks, chapters JSON, WebVTT/SRT transcripts)
 * compressed br or gzip by Accept-Encoding, whole: each encoding is its own
 * representation with its own Content-Length and ETag, so caches and
 * conditional requests stay exact. Never for a Range request (identity, as
 * stored), never for audio or images (already compressed).
 */
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import Negotiator from 'negotiator';

export type ContentCoding = 'br' | 'gzip';

const CODINGS = ['br', 'gzip', 'identity'] as const;

/** Beyond this, a text file is sent as stored (our largest, 3-hour full peaks, is ~6 MB). */
export const MAX_COMPRESSED_SOURCE_BYTES = 16 * 1024 * 1024;

/** Whether a stored file of this Content-Type gains from compression (text, JSON, XML, SRT). */
export function isCompressibleType(contentType: string): boolean {
  const type = (contentType.split(';', 1)[0] ?? '').trim().toLowerCase();
  return (
    type.startsWith('text/') ||
    type === 'application/srt' ||
    type === 'application/xml' ||
    type.endsWith('+xml') ||
    /^application\/([a-z0-9.-]+\+)?json(\+[a-z0-9.-]+)?$/.test(type)
  );
}

/** The coding to send a whole compressible file in: the client's highest q, br on a tie; null: identity. */
export function codingFor(
  req: { headers: { 'accept-encoding'?: string | undefined; range?: string | undefined } },
  file: { contentType: string; bytes: number },
): ContentCoding | null {
  if (req.headers.range !== undefined) return null;
  if (!isCompressibleType(file.contentType) || file.bytes > MAX_COMPRESSED_SOURCE_BYTES) {
    return null;
  }
  const header = req.headers['accept-encoding'];
  if (!header) return null;
  const chosen = new Negotiator({ headers: { 'accept-encoding': header } }).encoding(CODINGS, {
    preferred: CODINGS,
  });
  return chosen === 'br' || chosen === 'gzip' ? chosen : null;
}

/** One ETag per representation (RFC 9110 §8.8.3): the compressed bytes are other bytes. */
export const codedEtag = (etag: string, coding: ContentCoding) =>
  etag.endsWith('"') ? `${etag.slice(0, -1)}-${coding}"` : `"${etag}-${coding}"`;

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/** Best ratio for what the player reads (small); a quicker quality for the studio's big full peaks. */
const BROTLI_BEST_UP_TO_BYTES = 256 * 1024;

export function compress(body: Buffer, coding: ContentCoding): Promise<Buffer> {
  if (coding === 'gzip') return gzipAsync(body, { level: 9 });
  return brotli(body, {
    params: {
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      [constants.BROTLI_PARAM_QUALITY]: body.length <= BROTLI_BEST_UP_TO_BYTES ? 11 : 6,
      [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
    },
  });
}

/**
 * Compressed bodies kept in memory, least recently used out first, at most
 * `maxBytes` in all. Keyed by the file's key and ETag: a new file is a new entry.
 * Concurrent first requests for one entry compress once.
 */
export class CompressedBodies {
  private readonly entries = new Map<string, Buffer>();
  private readonly pending = new Map<string, Promise<Buffer>>();
  private bytes = 0;

  constructor(private readonly maxBytes = 32 * 1024 * 1024) {}

  async get(
    file: { key: string; etag: string },
    coding: ContentCoding,
    read: () => Promise<Buffer>,
  ): Promise<Buffer> {
    const id = `${coding} ${file.etag} ${file.key}`;
    const hit = this.entries.get(id);
    if (hit) {
      // Most recently used last.
      this.entries.delete(id);
      this.entries.set(id, hit);
      return hit;
    }
    let pending = this.pending.get(id);
    if (!pending) {
      pending = read()
        .then((body) => compress(body, coding))
        .then((body) => {
          this.keep(id, body);
          return body;
        })
        .finally(() => this.pending.delete(id));
      this.pending.set(id, pending);
    }
    return pending;
  }

  private keep(id: string, body: Buffer): void {
    if (body.length > this.maxBytes) return;
    this.entries.set(id, body);
    this.bytes += body.length;
    for (const [oldest, old] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(oldest);
      this.bytes -= old.length;
    }
  }
}
