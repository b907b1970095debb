/**
 * Issue 10: who may read what, on both engines, generated from the router.
 * Every route must declare its access (src/http/access.ts); each kind of caller
 * (anonymous, wrong token, editor token, editor session, admin session) gets the
 * answer its declaration promises; an embargoed episode, its clip and every one of
 * its files stay private until publication, and an unpublish withdraws them.
 */
import assert from 'node:assert/strict';
import { ENGINES } from '../helpers/databases.js';
import {
  EDITOR_HEADERS,
  TEST_TOKEN,
  uploadEpisode,
  useTestApp,
  waitForEpisode,
} from '../helpers/app.js';
import { SHOW_INPUT } from '../fixtures/editorial.js';
import { listRoutes, type RouteInfo } from '../helpers/routes.js';
import { OPERATIONS } from '../../src/http/openapi/operations.js';
import { ADMIN, ADMIN_ENV, signIn } from '../helpers/sessions.js';
import { tone } from '../fixtures/audio.js';

const EDITOR = { email: 'editor@example.org', password: 'another long passphrase' };

type Caller = 'anonymous' | 'wrong token' | 'editor token' | 'editor session' | 'admin session';
const CALLERS: readonly Caller[] = [
  'anonymous',
  'wrong token',
  'editor token',
  'editor session',
  'admin session',
];
const WRITES = new Set(['post', 'put', 'patch', 'delete']);

/** What a declaration promises a caller: a refusal status, a redirect to sign-in, or access. */
function expected(route: RouteInfo, caller: Caller): 401 | 403 | 'sign-in' | 'allowed' {
  const kind = route.access!.kind;
  const signedOut = caller === 'anonymous' || caller === 'wrong token';
  switch (kind) {
    case 'public':
    case 'published-only':
      return 'allowed';
    case 'editor':
      return signedOut ? 401 : 'allowed';
    case 'session':
      if (signedOut) return 401;
      return caller === 'editor token' ? 403 : 'allowed';
    case 'admin':
      if (signedOut) return 401;
      return caller === 'admin session' ? 'allowed' : 403;
    case 'editor-page':
      return signedOut || caller === 'editor token' ? 'sign-in' : 'allowed';
    case 'admin-page':
      if (signedOut || caller === 'editor token') return 'sign-in';
      return caller === 'admin session' ? 'allowed' : 403;
    case 'metrics-token':
      // Only Prometheus holds the metrics token: no account, no editor token.
      return 401;
  }
}

interface EpisodeBody {
  id: string;
  state: string;
  peaksUrl: string | null;
  chaptersUrl: string | null;
  transcript: { url: string } | null;
  renditions: { profile: string; url: string }[];
}

/** Every file URL an editor's view of the episode lists. */
const fileUrls = (e: EpisodeBody) =>
  [...e.renditions.map((r) => r.url), e.peaksUrl, e.chaptersUrl, e.transcript?.url ?? null].filter(
    (u): u is string => u !== null,
  );

for (const engine of ENGINES) {
  describe(`access model: route matrix and embargo (${engine})`, function () {
    // Longer than the layer’s timeout: calls every route as every caller, with a processed episode.
    this.timeout(120_000);
    const app = useTestApp({
      engine,
      env: {
        ...ADMIN_ENV,
        // Mounts /metrics on the API port, so the matrix walks it too.
        METRICS_TOKEN: 'matrix-metrics-token-0123456789',
      },
    });
    let episodeId: string;
    let clipId: string;

    const url = (p: string) => `${app.baseUrl}${p}`;

    const signInAs = (who: { email: string; password: string }) =>
      signIn(app.baseUrl, who.email, who.password);

    const editorView = async (): Promise<EpisodeBody> => {
      const res = await app.authed(`/api/episodes/${episodeId}`);
      assert.equal(res.status, 200);
      return (await res.json()) as EpisodeBody;
    };

    const anonymousStatus = async (target: string, method = 'GET') => {
      const res = await fetch(target, { method });
      await res.arrayBuffer();
      return res.status;
    };

    before(async () => {
      await app.antenne.accounts.createUser({ ...EDITOR, name: 'Éditrice', role: 'editor' });
      const upload = await uploadEpisode(app, await tone(4));
      assert.equal(upload.status, 202, await upload.clone().text());
      episodeId = ((await upload.json()) as { id: string }).id;
      assert.equal((await waitForEpisode(app.baseUrl, episodeId)).state, 'ready');

      // Every kind of file an episode can have: renditions, peaks, chapters, transcript, a clip.
      const chapters = await app.authed(`/api/episodes/${episodeId}/chapters`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ version: '1.2.0', chapters: [{ startTime: 0, title: 'Début' }] }),
      });
      assert.equal(chapters.status, 200, await chapters.clone().text());
      const transcript = await app.authed(`/api/episodes/${episodeId}/transcript`, {
        method: 'PUT',
        headers: { 'content-type': 'text/vtt' },
        body: 'WEBVTT\n\n00:00.000 --> 00:02.000\nSous embargo\n',
      });
      assert.equal(transcript.status, 200, await transcript.clone().text());
      const clip = await app.authed(`/api/episodes/${episodeId}/clips`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ title: 'Extrait', start: 0.5, end: 2.5 }),
      });
      assert.equal(clip.status, 202, await clip.clone().text());
      clipId = ((await clip.json()) as { id: string }).id;
      for (let i = 0; ; i++) {
        const c = (await (await app.authed(`/api/clips/${clipId}`)).json()) as { state: string };
        if (c.state === 'ready') break;
        assert.ok(i < 300 && c.state !== 'failed', `clip ${c.state}`);
        await new Promise((r) => setTimeout(r, 100));
      }

      // The embargo: the article goes out tomorrow.
      const at = new Date(Date.now() + 86_400_000).toISOString();
      const scheduled = await app.authed(`/api/episodes/${episodeId}/publish`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ at }),
      });
      assert.equal(scheduled.status, 200, await scheduled.clone().text());
      assert.equal(((await scheduled.json()) as { state: string }).state, 'scheduled');
    });

    it('every route of the router declares its access', () => {
      const routes = listRoutes(app.antenne.app);
      assert.ok(routes.length > 40, `only ${routes.length} routes found`);
      const undeclared = routes.filter((r) => !r.access).map((r) => `${r.method} ${r.path}`);
      // The tus mount is walked like any route, every method of the protocol included.
      const tus = routes.filter((r) => r.path.startsWith('/api/uploads'));
      assert.deepEqual(tus.map((r) => `${r.method} ${r.path}`).sort(), [
        'delete /api/uploads/:id',
        'head /api/uploads/:id',
        'options /api/uploads',
        'patch /api/uploads/:id',
        'post /api/uploads',
      ]);
      assert.deepEqual(undeclared, []);
      // Nothing under /api is public but signing in, the API's own description and the
      // player's listen beacon (published episodes only).
      const publicApi = routes
        .filter((r) => r.path.startsWith('/api') && r.access!.kind.startsWith('p'))
        .map((r) => `${r.method} ${r.path}`)
        .sort();
      assert.deepEqual(publicApi, [
        'get /api/docs',
        'get /api/openapi.json',
        'post /api/listens',
        'post /api/session',
      ]);
      // The API's description says the same as the router.
      const documented: Record<string, string[]> = {
        public: ['public'],
        editor: ['editor'],
        session: ['session', 'editor'],
        admin: ['admin'],
      };
      const disagreements = OPERATIONS.flatMap((op) => {
        const route = routes.find((r) => r.method === op.method && r.path === op.path);
        const declared = route?.access?.kind.replace('published-only', 'public');
        return declared && documented[op.access]!.includes(declared)
          ? []
          : [`${op.method} ${op.path}: documented ${op.access}, declared ${declared}`];
      });
      assert.deepEqual(disagreements, []);
    });

    it('answers every caller of every route as its declaration says', async () => {
      const routes = listRoutes(app.antenne.app);
      const failures: string[] = [];
      for (const route of routes) {
        const write = WRITES.has(route.method);
        // Writes by allowed callers target records that do not exist (nothing changes);
        // reads target the embargoed episode and its clip.
        const concrete = route.path
          .replace(':slug', write ? 'zz-no-such-show' : SHOW_INPUT.slug)
          .replace(':topic', 'zz-no-such-topic')
          .replace(':lang', 'fr')
          .replace(':name', 'zz-no-such-asset.js')
          .replace(
            ':id',
            write ? 'zz0000000000' : route.path.includes('clips/') ? clipId : episodeId,
          )
          .replace('*key', `public/episodes/${episodeId}/zz.mp3`);
        for (const caller of CALLERS) {
          const headers: Record<string, string> = {};
          if (caller === 'wrong token')
            headers.authorization = 'Bearer not-a-token-of-ours-0123456789';
          if (caller === 'editor token') headers.authorization = `Bearer ${TEST_TOKEN}`;
          if (caller.endsWith('session')) {
            // A session of its own for each call: some writes end every session of their user.
            const s = await signInAs(caller === 'admin session' ? ADMIN : EDITOR);
            headers.cookie = s.cookie;
            if (write) headers['x-csrf-token'] = s.csrfToken;
          }
          if (write) headers['content-type'] = 'application/json';
          const res = await fetch(url(concrete), {
            method: route.method.toUpperCase(),
            headers,
            redirect: 'manual',
            ...(write ? { body: '{}' } : {}),
            signal: AbortSignal.timeout(15_000),
          });
          await res.arrayBuffer();
          const want = expected(route, caller);
          const got = res.status;
          const signInRedirect =
            got === 303 && (res.headers.get('location') ?? '').startsWith('/studio/login');
          const ok =
            want === 'allowed'
              ? got < 500 &&
                got !== 401 &&
                got !== 403 &&
                (!route.access!.kind.endsWith('page') || !signInRedirect)
              : want === 'sign-in'
                ? signInRedirect
                : got === want;
          if (!ok)
            failures.push(`${route.method} ${concrete} as ${caller}: ${got}, wanted ${want}`);
        }
      }
      assert.deepEqual(failures, []);
    });

    it('keeps the queue dashboard for administrators', async () => {
      const anonymous = await fetch(url('/studio/queues/api/queues'), {
        headers: { accept: 'application/json' },
      });
      assert.equal(anonymous.status, 401);
      const editor = await fetch(url('/studio/queues/api/queues'), {
        headers: { ...EDITOR_HEADERS, accept: 'application/json' },
      });
      assert.equal(editor.status, 403);
    });

    it('keeps an embargoed episode, its clip and every file of it from anonymous callers', async () => {
      for (const path of [
        '/api/shows',
        `/api/shows/${SHOW_INPUT.slug}`,
        `/api/shows/${SHOW_INPUT.slug}/episodes`,
        `/api/shows/${SHOW_INPUT.slug}/topics`,
        `/api/shows/${SHOW_INPUT.slug}/feed-location`,
        `/api/episodes/${episodeId}`,
        `/api/episodes/${episodeId}/events`,
        `/api/episodes/${episodeId}/clips`,
        `/api/clips/${clipId}`,
      ]) {
        assert.equal(await anonymousStatus(url(path)), 401, path);
      }
      for (const path of [
        `/embed/episodes/${episodeId}`,
        `/embed/clips/${clipId}`,
        `/episodes/${episodeId}`,
        `/oembed?url=${encodeURIComponent(url(`/episodes/${episodeId}`))}`,
      ]) {
        assert.equal(await anonymousStatus(url(path)), 404, path);
      }
      const feed = await (await fetch(url(`/feeds/${SHOW_INPUT.slug}.xml`))).text();
      assert.ok(!feed.includes(episodeId) && !feed.includes('Team Normandie'));

      const view = await editorView();
      const clip = (await (await app.authed(`/api/clips/${clipId}`)).json()) as {
        audioUrl: string;
        peaksUrl: string;
      };
      const files = [...fileUrls(view), clip.audioUrl, clip.peaksUrl];
      assert.equal(files.length, 8, files.join('\n'));
      for (const file of files) {
        // Editors hear them through signed URLs, private to their browser...
        const signed = new URL(file);
        assert.ok(signed.searchParams.get('signature'), file);
        const res = await fetch(file, { headers: { range: 'bytes=0-1' } });
        await res.arrayBuffer();
        assert.equal(res.status, 206, file);
        assert.match(res.headers.get('cache-control') ?? '', /^private/);
        // ...and nobody gets them without the signature, whatever the path.
        const bare = `${signed.origin}${signed.pathname}`;
        assert.equal(await anonymousStatus(bare), 404, bare);
        assert.equal(await anonymousStatus(bare, 'HEAD'), 404, bare);
        const key = signed.pathname.replace('/media/', '');
        assert.equal(await anonymousStatus(url(`/media/p/guessed0000/${key}`)), 404);
      }
    });

    it('refuses tampered, expired and borrowed signatures', async () => {
      const [mp3, peaks] = [
        (await editorView()).renditions[0]!.url,
        (await editorView()).peaksUrl!,
      ];
      const u = new URL(mp3);
      const tampered = new URL(mp3);
      tampered.searchParams.set('expires', String(Number(u.searchParams.get('expires')) + 600));
      assert.equal(await anonymousStatus(tampered.toString()), 404);
      const expired = new URL(mp3);
      expired.searchParams.set('expires', '1000000000');
      assert.equal(await anonymousStatus(expired.toString()), 404);
      // A valid signature of one file opens no other.
      const borrowed = new URL(peaks);
      borrowed.search = u.search;
      assert.equal(await anonymousStatus(borrowed.toString()), 404);
      // Originals are never served, signed or not.
      const original = new URL(mp3);
      original.pathname = `/media/originals/${episodeId}/original.wav`;
      assert.equal(await anonymousStatus(original.toString()), 404);
    });

    it('opens the files at publication, withdraws them at unpublish, new URLs at republication', async () => {
      const publish = () =>
        app.authed(`/api/episodes/${episodeId}/publish`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{}',
        });
      assert.equal((await publish()).status, 200);
      const first = await editorView();
      assert.equal(first.state, 'published');
      const publicFiles = fileUrls(first);
      for (const file of publicFiles) {
        assert.match(new URL(file).pathname, /^\/media\/p\/[a-z0-9]{22}\/public\//, file);
        const res = await fetch(file, { headers: { range: 'bytes=0-1' } });
        await res.arrayBuffer();
        assert.equal(res.status, 206, file);
        assert.equal(res.headers.get('cache-control'), 'public, max-age=300');
      }
      // The feed and the reader pages point at the same public files.
      let feed = '';
      for (let i = 0; i < 100 && !feed.includes(first.renditions[0]!.url); i++) {
        await new Promise((r) => setTimeout(r, 100));
        feed = await (await fetch(url(`/feeds/${SHOW_INPUT.slug}.xml`))).text();
      }
      assert.ok(feed.includes(first.renditions[0]!.url), 'the feed lists the public enclosure');
      const embed = await (await fetch(url(`/embed/clips/${clipId}`))).text();
      const clipAudio = /<audio[^>]*src="([^"#]+)/.exec(embed)?.[1]?.replaceAll('&amp;', '&') ?? '';
      assert.ok(clipAudio.includes('/media/p/'), embed);
      assert.equal(await anonymousStatus(clipAudio), 200);

      const unpublish = await app.authed(`/api/episodes/${episodeId}/unpublish`, {
        method: 'POST',
      });
      assert.equal(unpublish.status, 200);
      // Within seconds (each process keeps a publication's answer 2 s at most).
      const deadline = Date.now() + 5000;
      let withdrawn = false;
      while (!withdrawn && Date.now() < deadline) {
        const statuses = await Promise.all(
          [...publicFiles, clipAudio].map((f) => anonymousStatus(f)),
        );
        withdrawn = statuses.every((s) => s === 404);
        if (!withdrawn) await new Promise((r) => setTimeout(r, 200));
      }
      assert.ok(withdrawn, 'every public file answers 404 after unpublish');

      assert.equal((await publish()).status, 200);
      const second = await editorView();
      const republished = fileUrls(second);
      assert.equal(republished.length, publicFiles.length);
      for (const [i, file] of republished.entries()) {
        assert.notEqual(file, publicFiles[i], 'a republication gets new URLs');
        assert.equal(await anonymousStatus(file), 200, file);
        assert.equal(await anonymousStatus(publicFiles[i]!), 404, publicFiles[i]);
      }
    });
  });
}
