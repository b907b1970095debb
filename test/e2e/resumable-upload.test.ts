/**
 * Issue 16, resumable uploads (tus) against the whole app: tus-js-client (Node) sends
 * a large WAV, is cut mid-way, resumes from its stored fingerprint where the server
 * stopped (bytes received in total < 1.3 × the file), and the episode processes.
 * Then the refusals: anonymous 401, another editor's upload 404, over the limit 413,
 * not a recording 415, CSRF, bad ids, an unfinished or used upload, non-audio bytes
 * failing as they do through multipart, and an abandoned upload removed by the
 * scheduled sweep after its expiry.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { ARTICLE, SHOW_INPUT } from '../fixtures/editorial.js';
import { largeTone, seededBytes, tone } from '../fixtures/audio.js';
import {
  EDITOR_HEADERS,
  MP3_ONLY_LADDER,
  TEST_TOKEN,
  startTestApp,
  uploadEpisode,
  useTestApp,
  waitForEpisode,
} from '../helpers/app.js';
import { ADMIN, ADMIN_ENV, signIn, type Session } from '../helpers/sessions.js';
import { countReceivedBytes, uploadWithCut } from '../helpers/uploads.js';
import { ENGINES } from '../helpers/databases.js';
import { tempDir } from '../helpers/audio.js';

const TUS = { 'tus-resumable': '1.0.0' };
const b64 = (s: string) => Buffer.from(s).toString('base64');

interface Problem {
  type: string;
  title: string;
  errors?: { field: string; message: string }[];
}

async function problemOf(res: Response, status: number): Promise<Problem> {
  const text = await res.text();
  assert.equal(res.status, status, text);
  assert.match(res.headers.get('content-type') ?? '', /^application\/problem\+json/, text);
  return JSON.parse(text) as Problem;
}

for (const engine of ENGINES) {
  describe(`resumable uploads (tus) through the API (${engine})`, function () {
    // Longer than the layer’s timeout: a 30 MB upload, its processing, and a multipart twin.
    this.timeout(180_000);
    const received = countReceivedBytes();
    // No rendition is read: the show encodes the MP3 alone.
    const app = useTestApp(
      {
        engine,
        env: { ...ADMIN_ENV, MAX_UPLOAD_SIZE: '64MiB' },
        antenneOptions: { wrapUploadStore: (store) => received.wrap(store) },
      },
      { ladder: MP3_ONLY_LADDER },
    );
    const endpoint = () => `${app.baseUrl}/api/uploads`;
    const serverBytes = () => [...received.byUpload.values()].reduce((a, b) => a + b, 0);
    let admin: Session;
    let editor: Session;

    /** Creates an upload of `length` bytes as `who`; returns its URL. */
    const create = async (
      length: number,
      headers: Record<string, string> = EDITOR_HEADERS,
      metadata = `filename ${b64('entretien.wav')},filetype ${b64('audio/wav')}`,
    ) => {
      const res = await fetch(endpoint(), {
        method: 'POST',
        headers: {
          ...TUS,
          ...headers,
          'upload-length': String(length),
          'upload-metadata': metadata,
        },
      });
      assert.equal(res.status, 201, await res.text());
      return res.headers.get('location')!;
    };
    const patch = (
      url: string,
      offset: number,
      body: Buffer,
      headers: Record<string, string> = EDITOR_HEADERS,
    ) =>
      fetch(url, {
        method: 'PATCH',
        headers: {
          ...TUS,
          ...headers,
          'content-type': 'application/offset+octet-stream',
          'upload-offset': String(offset),
        },
        body: new Uint8Array(body),
      });
    const episodeFrom = (upload: string, headers: Record<string, string> = EDITOR_HEADERS) =>
      fetch(`${app.baseUrl}/api/shows/${SHOW_INPUT.slug}/episodes`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify({ ...ARTICLE, upload }),
      });
    const idOf = (url: string) => url.split('/').pop()!;

    before(async () => {
      await app.antenne.accounts.createUser({
        email: 'redac@example.org',
        password: 'une phrase de passe longue',
        name: 'Rédactrice',
        role: 'editor',
      });
      admin = await signIn(app.baseUrl, ADMIN.email, ADMIN.password);
      editor = await signIn(app.baseUrl, 'redac@example.org', 'une phrase de passe longue');
    });

    it('resumes a cut upload from where the server stopped, and the episode processes', async () => {
      const file = await largeTone(20);
      const size = (await fs.stat(file)).size;
      assert.ok(size > 25_000_000, `${size} bytes`);
      const { url, offsetAfterCut, resumedFrom } = await uploadWithCut({
        endpoint: endpoint(),
        token: TEST_TOKEN,
        file,
        // One PATCH, cut once the server has 40 % of it.
        cutWhen: () => serverBytes() > 0.4 * size,
      });
      // The server kept what arrived of the cut PATCH.
      assert.ok(
        offsetAfterCut >= 0.4 * size && offsetAfterCut < size,
        `stopped at ${offsetAfterCut} of ${size}`,
      );
      assert.equal(
        resumedFrom,
        offsetAfterCut,
        'the second client starts where the server stopped',
      );
      const total = received.byUpload.get(idOf(url))!;
      assert.ok(total >= size && total < 1.3 * size, `${total} bytes received for ${size}`);

      const accepted = await episodeFrom(idOf(url));
      assert.equal(accepted.status, 202, await accepted.clone().text());
      const body = (await accepted.json()) as { id: string; statusUrl: string };
      const episode = await waitForEpisode(app.baseUrl, body.id, undefined, 120_000);
      assert.equal(episode.state, 'ready', String(episode.failureReason));
      // The bytes moved into the episode: the upload is used up.
      await problemOf(await episodeFrom(idOf(url)), 409);
      const gone = await fetch(url, { method: 'HEAD', headers: { ...TUS, ...EDITOR_HEADERS } });
      assert.equal(gone.status, 404);
    });

    it('answers an anonymous caller 401 with a problem, on every tus method', async () => {
      const url = await create(10);
      for (const [method, target] of [
        ['OPTIONS', endpoint()],
        ['POST', endpoint()],
        ['HEAD', url],
        ['PATCH', url],
        ['DELETE', url],
      ] as const) {
        const res = await fetch(target, {
          method,
          headers: { ...TUS, 'upload-length': '10' },
        });
        assert.equal(res.status, 401, `${method} ${target}`);
        if (method !== 'HEAD') await problemOf(res, 401);
      }
      const bad = await fetch(url, {
        method: 'HEAD',
        headers: { ...TUS, authorization: 'Bearer not-a-token-of-ours-0123456789' },
      });
      assert.equal(bad.status, 401);
    });

    it('keeps an upload to the one who started it: anyone else gets 404', async () => {
      const session = (s: Session) => ({ cookie: s.cookie, 'x-csrf-token': s.csrfToken });
      const url = await create(8, session(editor));
      assert.equal((await patch(url, 0, Buffer.alloc(4), session(editor))).status, 204);
      for (const other of [session(admin), EDITOR_HEADERS]) {
        const head = await fetch(url, { method: 'HEAD', headers: { ...TUS, ...other } });
        assert.equal(head.status, 404);
        await problemOf(await patch(url, 4, Buffer.alloc(4), other), 404);
        await problemOf(await fetch(url, { method: 'DELETE', headers: { ...TUS, ...other } }), 404);
        await problemOf(await episodeFrom(idOf(url), other), 404);
      }
      // A session's writes need its CSRF token, as everywhere in the API.
      const noCsrf = await patch(url, 4, Buffer.alloc(4), { cookie: editor.cookie });
      assert.equal((await problemOf(noCsrf, 403)).type.endsWith('/csrf'), true);
      // The owner still can; and may give up, which removes it.
      assert.equal((await patch(url, 4, Buffer.alloc(4), session(editor))).status, 204);
      const del = await fetch(url, { method: 'DELETE', headers: { ...TUS, ...session(editor) } });
      assert.equal(del.status, 204);
      await problemOf(await episodeFrom(idOf(url), session(editor)), 404);
    });

    it('refuses at creation what is over MAX_UPLOAD_SIZE (413) or not a recording (415)', async () => {
      const over = await fetch(endpoint(), {
        method: 'POST',
        headers: { ...TUS, ...EDITOR_HEADERS, 'upload-length': String(64 * 1024 ** 2 + 1) },
      });
      const problem = await problemOf(over, 413);
      assert.equal(problem.errors?.[0]?.field, 'Upload-Length');
      assert.match(problem.errors?.[0]?.message ?? '', /64/);
      const atLimit = await create(64 * 1024 ** 2);
      assert.ok(atLimit.startsWith(`${app.baseUrl}/api/uploads/`), atLimit);

      const notAudio = await fetch(endpoint(), {
        method: 'POST',
        headers: {
          ...TUS,
          ...EDITOR_HEADERS,
          'upload-length': '100',
          'upload-metadata': `filename ${b64('photo.jpg')},filetype ${b64('image/jpeg')}`,
        },
      });
      await problemOf(notAudio, 415);
      const noLength = await fetch(endpoint(), {
        method: 'POST',
        headers: { ...TUS, ...EDITOR_HEADERS, 'upload-defer-length': '1' },
      });
      assert.equal((await problemOf(noLength, 400)).errors?.[0]?.field, 'Upload-Length');
    });

    it('answers bad ids, unfinished and used uploads with clear problems', async () => {
      const badPath = await fetch(`${endpoint()}/..%2F..%2Fetc`, {
        method: 'HEAD',
        headers: { ...TUS, ...EDITOR_HEADERS },
      });
      assert.equal(badPath.status, 400);
      await problemOf(
        await fetch(`${endpoint()}/zz`, {
          method: 'DELETE',
          headers: { ...TUS, ...EDITOR_HEADERS },
        }),
        400,
      );
      assert.equal(
        (await problemOf(await episodeFrom('../../etc/passwd'), 400)).errors?.[0]?.field,
        'upload',
      );
      await problemOf(await episodeFrom('0'.repeat(32)), 404);

      const url = await create(8);
      assert.equal((await patch(url, 0, Buffer.alloc(3))).status, 204);
      const unfinished = await problemOf(await episodeFrom(idOf(url)), 409);
      assert.match(unfinished.title, /not finished/);
      // A wrong offset is the tus protocol's own 409.
      assert.equal((await patch(url, 1, Buffer.alloc(1))).status, 409);

      // Missing metadata is refused before the upload is touched: it stays usable.
      const noTitle = await fetch(`${app.baseUrl}/api/shows/${SHOW_INPUT.slug}/episodes`, {
        method: 'POST',
        headers: { ...EDITOR_HEADERS, 'content-type': 'application/json' },
        body: JSON.stringify({ articleUrl: ARTICLE.articleUrl, upload: idOf(url) }),
      });
      assert.equal((await problemOf(noTitle, 400)).errors?.[0]?.field, 'title');
      const noShow = await fetch(`${app.baseUrl}/api/shows/zz-no-such-show/episodes`, {
        method: 'POST',
        headers: { ...EDITOR_HEADERS, 'content-type': 'application/json' },
        body: JSON.stringify({ ...ARTICLE, upload: idOf(url) }),
      });
      await problemOf(noShow, 404);
    });

    it('makes one episode of an upload that two requests race for', async () => {
      const audio = await fs.readFile(await tone(2));
      const url = await create(audio.length);
      assert.equal((await patch(url, 0, audio)).status, 204);
      const answers = await Promise.all([episodeFrom(idOf(url)), episodeFrom(idOf(url))]);
      assert.deepEqual(answers.map((r) => r.status).sort(), [202, 409]);
      await Promise.all(answers.map((r) => r.arrayBuffer()));
    });

    it('fails non-audio bytes the way a multipart upload of them fails', async () => {
      const bytes = seededBytes(256 * 1024, 'not audio');
      const dir = await tempDir('tus-not-audio-');
      const file = path.join(dir, 'entretien.wav');
      await fs.writeFile(file, bytes);
      const multipart = await uploadEpisode(app, file);
      assert.equal(multipart.status, 202);
      const viaForm = await waitForEpisode(
        app.baseUrl,
        ((await multipart.json()) as { id: string }).id,
      );

      const url = await create(bytes.length);
      assert.equal((await patch(url, 0, bytes)).status, 204);
      const accepted = await episodeFrom(idOf(url));
      assert.equal(accepted.status, 202, await accepted.clone().text());
      const viaTus = await waitForEpisode(
        app.baseUrl,
        ((await accepted.json()) as { id: string }).id,
      );
      assert.equal(viaTus.state, 'failed');
      assert.equal(viaTus.state, viaForm.state);
      assert.equal(viaTus.failureReason, viaForm.failureReason);
      await fs.rm(dir, { recursive: true, force: true });
    });
  });

  describe(`resumable uploads: an abandoned upload is removed after its expiry (${engine})`, function () {
    this.timeout(60_000);
    // About a second: the scheduled sweep then runs every second too.
    const app = useTestApp({ engine, env: { UPLOAD_EXPIRY_HOURS: '0.0003' } });

    it('removes its bytes and its record, by the scheduled job', async () => {
      const create = await fetch(`${app.baseUrl}/api/uploads`, {
        method: 'POST',
        headers: { ...TUS, ...EDITOR_HEADERS, 'upload-length': '1000' },
      });
      assert.equal(create.status, 201);
      const url = create.headers.get('location')!;
      const id = url.split('/').pop()!;
      const res = await fetch(url, {
        method: 'PATCH',
        headers: {
          ...TUS,
          ...EDITOR_HEADERS,
          'content-type': 'application/offset+octet-stream',
          'upload-offset': '0',
        },
        body: new Uint8Array(500),
      });
      assert.equal(res.status, 204);
      const stored = path.join(app.dataDir, 'uploads', id);
      assert.equal((await fs.stat(stored)).size, 500);

      // The sweep is a BullMQ job scheduler: wait for it to have run past the expiry.
      const row = () =>
        app.antenne.db.db
          .selectFrom('uploads')
          .select('id')
          .where('id', '=', id)
          .executeTakeFirst();
      for (let i = 0; (await row()) !== undefined; i++) {
        assert.ok(i < 200, 'the expired upload is still recorded');
        await new Promise((r) => setTimeout(r, 100));
      }
      await assert.rejects(fs.stat(stored), { code: 'ENOENT' });
      await assert.rejects(fs.stat(`${stored}.json`), { code: 'ENOENT' });
      const head = await fetch(url, { method: 'HEAD', headers: { ...TUS, ...EDITOR_HEADERS } });
      assert.equal(head.status, 404);
    });
  });
}

describe('resumable uploads: temp copies a killed process left are swept at boot', function () {
  this.timeout(60_000);

  it('removes a dead process’s copy under tmp/resumable, and keeps a live one’s', async () => {
    // The data dir of a process that was killed: the app boots on it.
    const dataDir = await tempDir();
    const tmp = path.join(dataDir, 'tmp', 'resumable');
    // Named as withTempDir names them: <prefix>-<pid>-<random>. No process has pid 2^22 + 1.
    const dead = path.join(tmp, `upload-${2 ** 22 + 1}-abc123`);
    const live = path.join(tmp, `upload-${process.pid}-def456`);
    for (const dir of [dead, live]) {
      await fs.mkdir(dir, { recursive: true });
      await fs.writeFile(path.join(dir, 'copy'), 'octets « copiés »');
    }
    const state = {
      dataDir,
      queuePrefix: `antenne-test-${randomBytes(5).toString('hex')}`,
      databaseUrl: null,
      dropDatabase: null,
    };
    const app = await startTestApp({ engine: 'pglite', worker: false, restart: state });
    try {
      await assert.rejects(fs.stat(dead), { code: 'ENOENT' });
      assert.equal(await fs.readFile(path.join(live, 'copy'), 'utf8'), 'octets « copiés »');
    } finally {
      await app.close();
    }
  });
});
