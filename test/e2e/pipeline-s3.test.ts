/**
 * The real pipeline on S3 storage: an app whose storage is a bucket on a real
 * S3-protocol server (s3rver) takes an upload, processes it with ffmpeg from a
 * local copy, puts originals, renditions, peaks and feeds in the bucket, and
 * serves them from there through /media (HEAD, Range, conditional GET).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { buffer } from 'node:stream/consumers';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import Parser from 'rss-parser';
import { uploadEpisode, useTestApp, waitForEpisode } from '../helpers/app.js';
import { SHOW_INPUT } from '../fixtures/editorial.js';
import { rawRequest } from '../helpers/http.js';
import { startS3Server, type S3TestServer } from '../../support/s3-server.js';
import { interview } from '../fixtures/audio.js';

const PREFIX = 'newsroom/antenne';

describe('pipeline end to end on S3 storage (s3rver)', function () {
  // Longer than the layer’s timeout: processes speech through the whole ladder into s3rver.
  this.timeout(120_000);
  let s3: S3TestServer;
  before(async () => {
    s3 = await startS3Server();
  });
  const app = useTestApp(() => ({ engine: 'pglite', env: s3.env(PREFIX) }));
  // Registered after the app's hooks: the bucket outlives the app.
  after(async () => {
    await s3?.stop();
  });

  const bucketKeys = async () => {
    const listed = await s3
      .client()
      .send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: `${PREFIX}/` }));
    return (listed.Contents ?? []).map((o) => o.Key!.slice(PREFIX.length + 1)).sort();
  };
  const bucketObject = async (key: string) => {
    const answer = await s3
      .client()
      .send(new GetObjectCommand({ Bucket: s3.bucket, Key: `${PREFIX}/${key}` }));
    return { bytes: await buffer(answer.Body as NodeJS.ReadableStream), type: answer.ContentType };
  };

  it('processes an upload into the bucket and serves it from there with HEAD and Range', async () => {
    const upload = await uploadEpisode(app, await interview(), {}, 'Entretien.wav');
    assert.equal(upload.status, 202, await upload.clone().text());
    const { id } = (await upload.json()) as { id: string };
    const ready = (await waitForEpisode(app.baseUrl, id)) as Awaited<
      ReturnType<typeof waitForEpisode>
    > & {
      renditions: { profile: string; url: string; bytes: number; sha256: string }[];
      peaksUrl: string;
    };
    assert.equal(ready.state, 'ready', `failure: ${String(ready.failureReason)}`);

    // Everything is in the bucket, under the prefix; nothing under the app's media folder.
    const keys = await bucketKeys();
    assert.ok(keys.includes(`originals/${id}/original.wav`), keys.join(', '));
    assert.ok(ready.renditions.length >= 2, 'a ladder of renditions');
    for (const rendition of ready.renditions) {
      const key = keys.find((k) => k.startsWith(`public/episodes/${id}/${rendition.profile}-`));
      assert.ok(key, `${rendition.profile} in the bucket: ${keys.join(', ')}`);
      const object = await bucketObject(key);
      assert.equal(object.bytes.length, rendition.bytes);
      assert.equal(createHash('sha256').update(object.bytes).digest('hex'), rendition.sha256);
    }
    assert.ok(keys.some((k) => /^public\/episodes\/[^/]+\/peaks-[0-9a-f]{12}\.json$/.test(k)));
    await assert.rejects(fs.stat(path.join(app.dataDir, 'media')), 'no local media folder');
    const localFiles = (await fs.readdir(app.dataDir, { recursive: true, withFileTypes: true }))
      .filter((entry) => !entry.isDirectory())
      .map((entry) => path.join(entry.parentPath, entry.name));
    assert.deepEqual(localFiles, [], 'no file left under DATA_DIR (uploads, copies for ffmpeg)');

    const mp3 = ready.renditions.find((r) => r.profile.startsWith('mp3-'))!;
    const mp3Key = keys.find((k) => k.startsWith(`public/episodes/${id}/${mp3.profile}-`))!;
    const stored = await bucketObject(mp3Key);
    assert.equal(stored.type, 'audio/mpeg', 'stored with its content type');

    // An editor hears it before publication (signed URL), served from the bucket.
    const signed = await fetch(mp3.url);
    assert.equal(signed.status, 200);
    assert.deepEqual(Buffer.from(await signed.arrayBuffer()), stored.bytes);

    // Published: the feed's enclosure, as a podcast app fetches it.
    const publish = await app.authed(`/api/episodes/${id}/publish`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    assert.equal(publish.status, 200, await publish.clone().text());
    const xml = await fetch(`${app.baseUrl}/feeds/${SHOW_INPUT.slug}.xml`).then((r) => r.text());
    const item = (await new Parser().parseString(xml)).items[0]!;
    const url = item.enclosure!.url;
    const size = stored.bytes.length;
    assert.equal(Number(item.enclosure!.length), size);
    assert.ok(
      (await bucketKeys()).some((k) => k.startsWith('feeds/')),
      'the rendered feed is in the bucket too',
    );

    const head = await fetch(url, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('content-length'), String(size));
    assert.equal(head.headers.get('content-type'), 'audio/mpeg');
    assert.equal(head.headers.get('accept-ranges'), 'bytes');
    const etag = head.headers.get('etag');
    assert.ok(etag, 'an ETag');

    const ranged = async (range: string) => {
      const res = await fetch(url, { headers: { range } });
      return { res, bytes: Buffer.from(await res.arrayBuffer()) };
    };
    const probe = await ranged('bytes=0-1');
    assert.equal(probe.res.status, 206);
    assert.equal(probe.res.headers.get('content-range'), `bytes 0-1/${size}`);
    assert.deepEqual(probe.bytes, stored.bytes.subarray(0, 2));
    const middle = await ranged('bytes=1000-4999');
    assert.equal(middle.res.status, 206);
    assert.equal(middle.res.headers.get('content-length'), '4000');
    assert.deepEqual(middle.bytes, stored.bytes.subarray(1000, 5000));
    const tail = await ranged('bytes=-100');
    assert.equal(tail.res.headers.get('content-range'), `bytes ${size - 100}-${size - 1}/${size}`);
    assert.deepEqual(tail.bytes, stored.bytes.subarray(size - 100));
    assert.equal((await ranged(`bytes=${size}-`)).res.status, 416);

    // Conditional GET (raw: fetch adds Cache-Control: no-cache to conditional requests).
    const again = await rawRequest(url, { headers: { 'if-none-match': etag } });
    assert.equal(again.status, 304);
    assert.equal(again.body.length, 0);
    const ifRange = await rawRequest(url, { headers: { range: 'bytes=0-9', 'if-range': etag } });
    assert.equal(ifRange.status, 206, 'If-Range with the current ETag: the range');
    const stale = await rawRequest(url, { headers: { range: 'bytes=0-9', 'if-range': '"old"' } });
    assert.equal(stale.status, 200, 'If-Range with another ETag: the whole file');
    assert.equal(stale.body.length, size);

    // Peaks for the player, from the bucket.
    const peaks = await fetch(ready.peaksUrl);
    assert.equal(peaks.status, 200);
    assert.equal(((await peaks.json()) as { version: number }).version, 2);
  });
});
