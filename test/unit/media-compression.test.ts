import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import type { Request, Response } from 'express';
import {
  codedEtag,
  codingFor,
  CompressedBodies,
  compress,
  isCompressibleType,
  MAX_COMPRESSED_SOURCE_BYTES,
} from '../../src/http/media-compression.js';
import { textStreamedElse, type MediaSender } from '../../src/http/media-delivery.js';
import { contentTypeFor } from '../../src/storage/content-type.js';
import { storageKeys } from '../../src/core/storage-keys.js';

const SHA = 'a'.repeat(64);

describe('/media compression: what, how, when', () => {
  it('compresses peaks, chapters and transcripts, never audio or images', () => {
    for (const key of [
      storageKeys.peaks('e1', SHA),
      storageKeys.playerPeaks('e1', SHA),
      storageKeys.clipPlayerPeaks('c1', SHA),
      storageKeys.chapters('e1', SHA),
      storageKeys.transcript('e1', SHA, 'vtt'),
      storageKeys.transcript('e1', SHA, 'srt'),
    ]) {
      assert.ok(isCompressibleType(contentTypeFor(key)), `${key}: ${contentTypeFor(key)}`);
    }
    for (const key of [
      storageKeys.rendition('e1', 'mp3-128k', SHA, 'mp3'),
      storageKeys.rendition('e1', 'aac-128k', SHA, 'm4a'),
      storageKeys.rendition('e1', 'opus-48k', SHA, 'opus'),
      storageKeys.showArtworkUpload('s1', SHA, 'jpg'),
      storageKeys.showArtworkUpload('s1', SHA, 'png'),
    ]) {
      assert.equal(isCompressibleType(contentTypeFor(key)), false, key);
    }
  });

  const req = (headers: Record<string, string>) => ({ headers });
  const json = { contentType: 'application/json', bytes: 1000 };

  it('negotiates br first on a tie, else what the client prefers, else identity', () => {
    assert.equal(codingFor(req({ 'accept-encoding': 'gzip, deflate, br' }), json), 'br');
    assert.equal(codingFor(req({ 'accept-encoding': 'gzip' }), json), 'gzip');
    assert.equal(codingFor(req({ 'accept-encoding': 'br;q=0.1, gzip' }), json), 'gzip');
    assert.equal(codingFor(req({ 'accept-encoding': 'deflate' }), json), null);
    assert.equal(codingFor(req({ 'accept-encoding': 'br;q=0, gzip;q=0' }), json), null);
    assert.equal(codingFor(req({}), json), null);
  });

  it('sends a Range request, audio and oversized files as stored', () => {
    const br = { 'accept-encoding': 'br' };
    assert.equal(codingFor(req({ ...br, range: 'bytes=0-9' }), json), null);
    assert.equal(codingFor(req(br), { contentType: 'audio/mpeg', bytes: 1000 }), null);
    assert.equal(
      codingFor(req(br), { contentType: 'text/vtt', bytes: MAX_COMPRESSED_SOURCE_BYTES + 1 }),
      null,
    );
  });

  it('gives each encoding its own ETag', () => {
    assert.equal(codedEtag('"abc"', 'br'), '"abc-br"');
    assert.equal(codedEtag('"abc"', 'gzip'), '"abc-gzip"');
  });

  it('compresses to bytes that decompress to the file', async () => {
    const body = Buffer.from(
      JSON.stringify({ data: Array.from({ length: 4000 }, (_, i) => i % 97) }),
    );
    assert.deepEqual(brotliDecompressSync(await compress(body, 'br')), body);
    assert.deepEqual(gunzipSync(await compress(body, 'gzip')), body);
  });

  it('compresses a file once, keeps at most its budget, a new ETag is a new entry', async () => {
    const cache = new CompressedBodies(64 * 1024);
    let reads = 0;
    const body = Buffer.from('x'.repeat(10_000));
    const read = () => {
      reads += 1;
      return Promise.resolve(body);
    };
    const file = { key: 'public/episodes/e1/peaks-1.json', etag: '"1"' };
    const [a, b] = await Promise.all([cache.get(file, 'br', read), cache.get(file, 'br', read)]);
    assert.deepEqual(a, b);
    await cache.get(file, 'br', read);
    assert.equal(reads, 1, 'concurrent and later requests share one compression');
    await cache.get(file, 'gzip', read);
    await cache.get({ ...file, etag: '"2"' }, 'br', read);
    assert.equal(reads, 3);

    // Incompressible 40 kB bodies: the budget keeps one, the oldest goes.
    const big = () => randomBytes(40_000);
    const small = new CompressedBodies(64 * 1024);
    let bigReads = 0;
    for (const seed of [1, 2, 1]) {
      await small.get({ key: `k${seed}`, etag: '"1"' }, 'gzip', () => {
        bigReads += 1;
        return Promise.resolve(big());
      });
    }
    assert.equal(bigReads, 3, 'the first was dropped to keep within the budget');
  });
});

describe('/media delivery modes: text media stay with the process', () => {
  const calls: string[] = [];
  const sender =
    (name: string): MediaSender =>
    (_req, _res, file) => {
      calls.push(`${name} ${file.key}`);
      return Promise.resolve();
    };
  const send = textStreamedElse(sender('stream'), sender('redirect'));
  const file = (key: string) => ({ key, cacheControl: 'public', expiresAt: null });

  it('streams peaks, chapters and transcripts; redirects audio and artwork', async () => {
    const noReq = {} as Request;
    const noRes = {} as Response;
    for (const key of [
      storageKeys.playerPeaks('e1', SHA),
      storageKeys.chapters('e1', SHA),
      storageKeys.transcript('e1', SHA, 'srt'),
      storageKeys.rendition('e1', 'mp3-128k', SHA, 'mp3'),
      storageKeys.showArtworkUpload('s1', SHA, 'jpg'),
    ]) {
      await send(noReq, noRes, file(key));
    }
    assert.deepEqual(
      calls.map((c) => c.split(' ')[0]),
      ['stream', 'stream', 'stream', 'redirect', 'redirect'],
    );
  });
});
