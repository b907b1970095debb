/**
 * One contract for every storage adapter, run against local disk and a real
 * S3-protocol server (s3rver): what callers may rely on, whatever stores the bytes.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { buffer, text } from 'node:stream/consumers';
import { StorageNotFound, type BlobStorage } from '../../src/storage/blob-storage.js';
import { LocalDiskStorage } from '../../src/storage/local-disk.js';
import { tempDir } from '../helpers/audio.js';
import { startS3Server, type S3TestServer } from '../../support/s3-server.js';

interface Subject {
  readonly storage: BlobStorage;
  /** Whether withLocalCopy hands out a copy (removed afterwards) rather than the stored file. */
  readonly copies: boolean;
  /** Where the adapter may leave temporary files; empty once every call is over. */
  readonly scratch: string;
  /** The S3 commands sent, for the stores that have them. */
  readonly commands?: string[];
}

interface Adapter {
  readonly name: string;
  start(work: string): Promise<Subject>;
  stop(): Promise<void>;
}

let s3: S3TestServer | undefined;
const ADAPTERS: Adapter[] = [
  {
    name: 'local disk',
    start: (work) =>
      Promise.resolve({
        storage: new LocalDiskStorage(path.join(work, 'media')),
        copies: false,
        scratch: path.join(work, 'media', '.staging'),
      }),
    stop: () => Promise.resolve(),
  },
  {
    name: 'S3 (s3rver)',
    async start(work) {
      s3 ??= await startS3Server();
      // A fresh prefix per test: each starts with an empty store.
      const prefix = `t-${randomBytes(4).toString('hex')}/antenne`;
      const client = s3.client();
      const commands: string[] = [];
      client.middlewareStack.add(
        (next, context) => (args) => {
          commands.push(context.commandName ?? '?');
          return next(args);
        },
        { step: 'initialize' },
      );
      return {
        commands,
        storage: s3.storage(path.join(work, 'tmp'), prefix, client),
        copies: true,
        scratch: path.join(work, 'tmp'),
      };
    },
    async stop() {
      await s3?.stop();
      s3 = undefined;
    },
  },
];

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const readAll = async (storage: BlobStorage, key: string) => buffer(await storage.openRead(key));
const entriesOf = (dir: string) => fs.readdir(dir).catch(() => [] as string[]);

for (const adapter of ADAPTERS) {
  describe(`storage contract: ${adapter.name}`, function () {
    // Longer than the layer’s timeout: starts s3rver and moves 12 MiB files and streams through each adapter.
    this.timeout(60_000);
    let work: string;
    let subject: Subject;
    let storage: BlobStorage;

    beforeEach(async () => {
      work = await tempDir('antenne-storage-');
      subject = await adapter.start(work);
      storage = subject.storage;
    });
    afterEach(() => fs.rm(work, { recursive: true, force: true }));
    after(() => adapter.stop());

    it('stores bytes and UTF-8 text and reads them back with size and content type', async () => {
      const bytes = randomBytes(1000);
      const stored = await storage.putBytes('public/episodes/e1/peaks-abc.json', bytes);
      assert.equal(stored.bytes, 1000);
      assert.deepEqual(await readAll(storage, 'public/episodes/e1/peaks-abc.json'), bytes);

      const vtt = 'WEBVTT\n\n00:00.000 --> 00:01.000\nEntretien « numérique » à Caen\n';
      await storage.putBytes('public/episodes/e1/transcript-1.vtt', vtt);
      assert.equal(await text(await storage.openRead('public/episodes/e1/transcript-1.vtt')), vtt);
      const info = await storage.head('public/episodes/e1/transcript-1.vtt');
      assert.equal(info.bytes, Buffer.byteLength(vtt));
      assert.equal(info.contentType, 'text/vtt; charset=utf-8');
      assert.match(info.etag, /^"[^"]+"$/);
      assert.ok(Math.abs(info.modifiedAt.getTime() - Date.now()) < 60_000, 'modified just now');
      assert.equal(await storage.exists('public/episodes/e1/transcript-1.vtt'), true);
    });

    it('stores a local file, consuming it, with the type of its key', async () => {
      const source = path.join(work, 'rendition.m4a');
      await fs.writeFile(source, randomBytes(4096));
      const expected = await fs.readFile(source);
      const info = await storage.putFile('public/episodes/e1/aac-96k-abc.m4a', source);
      assert.equal(info.bytes, 4096);
      assert.equal(info.contentType, 'audio/x-m4a');
      await assert.rejects(fs.stat(source), 'the local file is consumed');
      assert.deepEqual(await readAll(storage, 'public/episodes/e1/aac-96k-abc.m4a'), expected);
      assert.equal(
        (await storage.head('public/episodes/e1/aac-96k-abc.m4a')).contentType,
        'audio/x-m4a',
      );
    });

    it('stores a 12 MiB file and a 12 MiB stream whole (multipart where the store has it)', async () => {
      const big = randomBytes(12 * 1024 ** 2);
      const source = path.join(work, 'master.wav');
      await fs.writeFile(source, big);
      const fromFile = await storage.putFile('originals/e1/original.wav', source);
      assert.equal(fromFile.bytes, big.length);
      assert.equal(sha256(await readAll(storage, 'originals/e1/original.wav')), sha256(big));

      // A stream of unknown length, in uneven chunks.
      const chunks = [
        big.subarray(0, 3_000_001),
        big.subarray(3_000_001, 9_999_999),
        big.subarray(9_999_999),
      ];
      const fromStream = await storage.putStream(
        'public/episodes/e1/mp3-128k-abc.mp3',
        Readable.from(chunks),
      );
      assert.equal(fromStream.bytes, big.length);
      assert.equal(fromStream.contentType, 'audio/mpeg');
      assert.equal(
        sha256(await readAll(storage, 'public/episodes/e1/mp3-128k-abc.mp3')),
        sha256(big),
      );
      if (subject.commands) {
        // Each went up in two 8 MiB parts, not in one request.
        const count = (name: string) => subject.commands!.filter((c) => c === name).length;
        assert.equal(count('CreateMultipartUploadCommand'), 2);
        assert.equal(count('UploadPartCommand'), 4);
        assert.equal(count('CompleteMultipartUploadCommand'), 2);
        assert.equal(count('PutObjectCommand'), 0);
      }
    });

    it('reads ranges: the first bytes, the middle, the end', async () => {
      const bytes = randomBytes(64 * 1024);
      await storage.putBytes('public/episodes/e1/opus-48k-abc.opus', bytes);
      const range = async (start: number, end?: number) =>
        buffer(await storage.openRead('public/episodes/e1/opus-48k-abc.opus', { start, end }));
      assert.deepEqual(await range(0, 1), bytes.subarray(0, 2), 'the iOS probe bytes=0-1');
      assert.deepEqual(await range(1000, 40_999), bytes.subarray(1000, 41_000));
      assert.deepEqual(await range(bytes.length - 500), bytes.subarray(bytes.length - 500));
      assert.deepEqual(await range(bytes.length - 1, bytes.length - 1), bytes.subarray(-1));
    });

    it('answers StorageNotFound for a missing key, everywhere', async () => {
      const missing = 'public/episodes/nope/mp3-128k-000.mp3';
      await assert.rejects(storage.head(missing), StorageNotFound);
      await assert.rejects(storage.openRead(missing), (error: unknown) => {
        assert.ok(error instanceof StorageNotFound);
        assert.equal(error.key, missing);
        return true;
      });
      await assert.rejects(storage.openRead(missing, { start: 0, end: 1 }), StorageNotFound);
      await assert.rejects(
        storage.withLocalCopy(missing, () => Promise.resolve('never')),
        StorageNotFound,
      );
      assert.equal(await storage.exists(missing), false);
      assert.deepEqual(await storage.list('public/episodes/nope'), []);
    });

    it('deletes idempotently', async () => {
      await storage.putBytes('feeds/s1/s1-abc.xml', '<rss/>');
      await storage.delete('feeds/s1/s1-abc.xml');
      await storage.delete('feeds/s1/s1-abc.xml');
      await storage.delete('feeds/never/stored.xml');
      await assert.rejects(storage.head('feeds/s1/s1-abc.xml'), StorageNotFound);
      assert.equal(await storage.exists('feeds/s1/s1-abc.xml'), false);
    });

    it('overwrites: the new bytes, size and validator', async () => {
      const first = await storage.putBytes('public/shows/s1/artwork.jpg', 'one');
      const second = await storage.putBytes('public/shows/s1/artwork.jpg', 'two!');
      assert.equal(await text(await storage.openRead('public/shows/s1/artwork.jpg')), 'two!');
      assert.equal((await storage.head('public/shows/s1/artwork.jpg')).bytes, 4);
      assert.notEqual(second.etag, first.etag);
      const third = await storage.putBytes('public/shows/s1/artwork.jpg', 'six!');
      assert.notEqual(third.etag, second.etag, 'same size, same second: still a new validator');
    });

    it('never shows a reader part of a write, and keeps the old bytes when a write fails', async () => {
      await storage.putBytes('public/episodes/e1/peaks-1.json', 'old');
      const body = new PassThrough();
      const writing = storage.putStream('public/episodes/e1/peaks-1.json', body);
      body.write('new, half');
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(await text(await storage.openRead('public/episodes/e1/peaks-1.json')), 'old');
      body.end(' and the rest');
      await writing;
      assert.equal(
        await text(await storage.openRead('public/episodes/e1/peaks-1.json')),
        'new, half and the rest',
      );

      const failing = new PassThrough();
      const failed = storage.putStream('public/episodes/e1/peaks-1.json', failing);
      failing.write('broken');
      setTimeout(() => failing.destroy(new Error('client went away')), 100);
      await assert.rejects(failed, /client went away/);
      assert.equal(
        await text(await storage.openRead('public/episodes/e1/peaks-1.json')),
        'new, half and the rest',
      );
      await assert.rejects(storage.head('public/episodes/e1/never.json'), StorageNotFound);
      assert.deepEqual(await entriesOf(subject.scratch), [], 'no half-written file left');
    });

    it('gives a local copy for ffmpeg and cleans up, even when the work fails', async () => {
      const bytes = randomBytes(20_000);
      await storage.putBytes('originals/e1/original.flac', bytes);
      let seen = '';
      const result = await storage.withLocalCopy('originals/e1/original.flac', async (file) => {
        seen = file;
        assert.deepEqual(await fs.readFile(file), bytes);
        assert.equal(path.extname(file), '.flac');
        return 'done';
      });
      assert.equal(result, 'done');
      await assert.rejects(
        storage.withLocalCopy('originals/e1/original.flac', (file) => {
          seen = file;
          return Promise.reject(new Error('ffmpeg failed'));
        }),
        /ffmpeg failed/,
      );
      if (subject.copies) await assert.rejects(fs.stat(seen), 'the copy is gone');
      assert.deepEqual(await entriesOf(subject.scratch), [], 'no temp file left');
      assert.deepEqual(
        await readAll(storage, 'originals/e1/original.flac'),
        bytes,
        'the stored file is intact',
      );
    });

    it('takes keys with accents and spaces, and lists a folder at any depth, not its neighbours', async () => {
      const accented = 'public/épisodes/Entretien « numérique » à Caen.txt';
      await storage.putBytes(accented, 'é');
      assert.equal(await text(await storage.openRead(accented)), 'é');
      assert.equal((await storage.head(accented)).bytes, 2);
      await storage.putBytes('public/épisodes/sous/dossier.json', '{}');
      await storage.putBytes('public/épisodes-bis/x.json', '{}');
      assert.deepEqual(await storage.list('public/épisodes'), [
        accented,
        'public/épisodes/sous/dossier.json',
      ]);
      await storage.delete(accented);
      assert.equal(await storage.exists(accented), false);
    });

    it('refuses keys that leave the store or hide in it', async () => {
      for (const bad of [
        '../outside',
        'public/../../etc/passwd',
        '/abs',
        'a//b',
        '.staging/x',
        'a/./b',
        '',
        'a\\b',
      ]) {
        await assert.rejects(storage.putBytes(bad, 'x'), /Invalid storage key/, bad);
        await assert.rejects(storage.openRead(bad), /Invalid storage key/, bad);
      }
    });
  });
}
