/**
 * Issue 13, corrections: a range cut out of a published episode gives a shorter
 * enclosure (ffprobe) under a new URL, the same guid and pubDate, a dated note in
 * the feed (parsed) and on the public page, the old URL gone, both versions in the
 * history, clips moved or flagged; a replacement that cannot be read fails its
 * version and leaves the published audio as it was; bad requests get problems.
 * Real ffmpeg on espeak-ng speech, on both database engines.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import Parser from 'rss-parser';
import { ENGINES } from '../helpers/databases.js';
import {
  episodeForm,
  MP3_ONLY_LADDER,
  TEST_TOKEN,
  uploadEpisode,
  useTestApp,
  waitForEpisode,
} from '../helpers/app.js';
import { decodedDuration, tempDir } from '../helpers/audio.js';
import {
  listVersions,
  waitForVersion as versionDone,
  type VersionBody,
} from '../helpers/corrections.js';
import { SHOW_INPUT } from '../fixtures/editorial.js';
import { interview, seededBytes } from '../fixtures/audio.js';

interface ClipBody {
  id: string;
  state: string;
  start: number;
  end: number;
  failureReason: string | null;
}

const NOTE = 'Un passage « erroné » a été retiré de l’entretien à la demande de l’invitée.';
const REASON = 'Citation inexacte (demande du 2 mai)';

for (const engine of ENGINES) {
  describe(`corrections of a published episode (${engine})`, function () {
    // Processes the interview, then again for the correction, and cuts clips: longer than the layer’s 60 s.
    this.timeout(240_000);
    // Of the renditions, only the MP3 (the enclosure) is read: the show encodes it alone.
    const app = useTestApp({ engine }, { ladder: MP3_ONLY_LADDER });
    let work: string;
    let episodeId: string;
    let duration: number;

    const json = (body: unknown) => ({
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const correct = (body: unknown, id = episodeId) =>
      app.authed(`/api/episodes/${id}/corrections`, json(body));
    const versions = () => listVersions(app, episodeId);
    const feedXml = async () => (await fetch(`${app.baseUrl}/feeds/${SHOW_INPUT.slug}.xml`)).text();
    const parseItem = async () => {
      const rss = await new Parser<object, { contentEncoded: string }>({
        customFields: { item: [['content:encoded', 'contentEncoded']] as never },
      }).parseString(await feedXml());
      assert.equal(rss.items.length, 1);
      return rss.items[0]!;
    };

    const waitForVersion = (number: number) => versionDone(app, episodeId, number);

    async function waitForClip(id: string): Promise<ClipBody> {
      for (let i = 0; i < 1200; i++) {
        const clip = (await (await app.authed(`/api/clips/${id}`)).json()) as ClipBody;
        if (clip.state === 'ready' || clip.state === 'failed') return clip;
        await new Promise((r) => setTimeout(r, 150));
      }
      throw new Error('clip not cut in time');
    }

    const postClip = async (title: string, start: number, end: number) => {
      const res = await app.authed(`/api/episodes/${episodeId}/clips`, json({ title, start, end }));
      assert.equal(res.status, 202, await res.clone().text());
      return waitForClip(((await res.json()) as ClipBody).id);
    };

    before(async () => {
      work = await tempDir('antenne-corrections-');
      const upload = await uploadEpisode(app, await interview());
      assert.equal(upload.status, 202, await upload.clone().text());
      episodeId = ((await upload.json()) as { id: string }).id;
      const ready = await waitForEpisode(app.baseUrl, episodeId);
      assert.equal(ready.state, 'ready', String(ready.failureReason));
      duration = ready.durationSeconds as number;
      const published = await app.authed(`/api/episodes/${episodeId}/publish`, { method: 'POST' });
      assert.equal(published.status, 200, await published.clone().text());
    });

    after(async () => {
      await fs.rm(work, { recursive: true, force: true });
    });

    it('refuses bad corrections with problems naming the field', async () => {
      const anonymous = await fetch(
        `${app.baseUrl}/api/episodes/${episodeId}/corrections`,
        json({ cuts: [{ start: 1, end: 2 }], reason: 'r', note: 'n' }),
      );
      assert.equal(anonymous.status, 401);
      const cases: [unknown, string][] = [
        [{ cuts: [{ start: '0:05', end: '0:04' }], reason: 'r', note: 'n' }, 'cuts.0.end'],
        [{ cuts: [{ start: 2, end: duration + 5 }], reason: 'r', note: 'n' }, 'cuts.0.end'],
        [
          { cuts: [{ start: duration + 1, end: duration + 2 }], reason: 'r', note: 'n' },
          'cuts.0.start',
        ],
        [
          {
            cuts: [
              { start: 1, end: 4 },
              { start: '0:03', end: '0:05' },
            ],
            reason: 'r',
            note: 'n',
          },
          'cuts.1.start',
        ],
        [{ cuts: [{ start: 'midi', end: 2 }], reason: 'r', note: 'n' }, 'cuts.0.start'],
        [{ cuts: [{ start: 0, end: duration }], reason: 'r', note: 'n' }, 'cuts'],
        [{ cuts: [{ start: 1, end: 2 }], note: 'n' }, 'reason'],
        [{ cuts: [], reason: 'r', note: 'n' }, 'cuts'],
        [{ upload: 'not-an-upload', reason: 'r', note: 'n' }, 'upload'],
      ];
      for (const [body, field] of cases) {
        const res = await correct(body);
        assert.equal(res.status, 400, JSON.stringify(body));
        assert.match(res.headers.get('content-type') ?? '', /application\/problem\+json/);
        const problem = (await res.json()) as { errors: { field: string }[] };
        assert.ok(
          problem.errors.some((e) => e.field === field),
          `${JSON.stringify(body)} → ${JSON.stringify(problem)}`,
        );
      }
      // Not ours: an episode that does not exist, someone else's (or no) upload.
      const unknown = await correct(
        { cuts: [{ start: 1, end: 2 }], reason: 'r', note: 'n' },
        'nope0000',
      );
      assert.equal(unknown.status, 404);
      const foreign = await correct({ upload: 'a'.repeat(32), reason: 'r', note: 'n' });
      assert.equal(foreign.status, 404);
      // Nothing was recorded by any of these.
      assert.deepEqual(
        (await versions()).map((v) => [v.number, v.state]),
        [[1, 'live']],
      );
    });

    it('cuts a range: shorter enclosure under a new URL, same guid and date, the note in the feed and page, clips followed', async () => {
      // Clips before, across and after the range to cut (4–7 s).
      const before = await postClip('Avant', 1, 3);
      const across = await postClip('À cheval', 5, 6.5);
      const afterCut = await postClip('Après', 8, 10);
      for (const c of [before, across, afterCut])
        assert.equal(c.state, 'ready', String(c.failureReason));

      const old = await parseItem();
      const oldUrl = old.enclosure!.url;
      const oldMp3 = path.join(work, 'old.mp3');
      await fs.writeFile(oldMp3, Buffer.from(await (await fetch(oldUrl)).arrayBuffer()));

      const res = await correct({
        cuts: [{ start: '0:04', end: '0:07' }],
        reason: REASON,
        note: NOTE,
      });
      assert.equal(res.status, 202, await res.clone().text());
      const pending = (await res.json()) as VersionBody;
      assert.equal(pending.number, 2);
      assert.equal(pending.kind, 'cut');
      assert.deepEqual(pending.cuts, [{ start: 4, end: 7 }]);

      const v2 = await waitForVersion(2);
      assert.equal(v2.state, 'live', String(v2.failureReason));

      const item = await parseItem();
      assert.equal(item.guid, old.guid, 'the guid is kept');
      assert.equal(item.pubDate, old.pubDate, 'the place in the feed is kept');
      const newUrl = item.enclosure!.url;
      assert.notEqual(newUrl, oldUrl, 'a new enclosure URL');
      const xml = await feedXml();
      assert.ok(!xml.includes(oldUrl), 'the old enclosure is no longer listed');
      assert.match(item.contentEncoded, /Rectificatif du \d{1,2} \S+ \d{4}/);
      assert.ok(item.contentEncoded.includes(NOTE), item.contentEncoded);
      assert.ok(!xml.includes(REASON), 'the reason stays with the editors');
      // The old file is gone; the new one is shorter by the range.
      assert.equal((await fetch(oldUrl)).status, 404);
      const newMp3 = path.join(work, 'new.mp3');
      const download = await fetch(newUrl);
      assert.equal(download.status, 200);
      await fs.writeFile(newMp3, Buffer.from(await download.arrayBuffer()));
      const removed = (await decodedDuration(oldMp3)) - (await decodedDuration(newMp3));
      assert.ok(Math.abs(removed - 3) < 0.1, `removed ${removed} s`);

      const page = await (await fetch(`${app.baseUrl}/episodes/${episodeId}`)).text();
      assert.ok(page.includes('Rectificatifs'), 'the page has its corrections section');
      assert.ok(page.includes('Un passage « erroné » a été retiré'), 'the note on the public page');

      const history = await versions();
      assert.deepEqual(
        history.map((v) => [v.number, v.kind, v.state]),
        [
          [2, 'cut', 'live'],
          [1, 'original', 'superseded'],
        ],
      );
      assert.equal(history[0]!.reason, REASON);
      assert.equal(history[0]!.note, NOTE);
      assert.equal(history[0]!.createdBy, 'configured token');
      assert.ok(history[0]!.loudness && Number.isFinite(history[0]!.loudness.integrated));
      assert.ok(
        Math.abs(history[1]!.durationSeconds! - history[0]!.durationSeconds! - 3) < 0.1,
        JSON.stringify(history),
      );
      const episode = (await (await app.authed(`/api/episodes/${episodeId}`)).json()) as {
        state: string;
        corrections: { note: string }[];
      };
      assert.equal(episode.state, 'published');
      assert.deepEqual(
        episode.corrections.map((c) => c.note),
        [NOTE],
      );

      // Clips: unchanged before the cut, flagged across it, moved 3 s earlier and cut again after it.
      assert.deepEqual(
        [(await waitForClip(before.id)).state, (await waitForClip(before.id)).start],
        ['ready', 1],
      );
      const flagged = await waitForClip(across.id);
      assert.equal(flagged.state, 'failed');
      assert.match(flagged.failureReason ?? '', /cut audio within this clip/);
      const moved = await waitForClip(afterCut.id);
      assert.equal(moved.state, 'ready', String(moved.failureReason));
      assert.deepEqual([moved.start, moved.end], [5, 7]);
    });

    it('a replacement that cannot be read fails its version and leaves the published audio live', async () => {
      const live = await parseItem();
      const junk = path.join(work, 'junk.wav');
      await fs.writeFile(junk, seededBytes(64 * 1024, 'not audio'));
      const form = await episodeForm(junk, { reason: 'Nouveau montage', note: 'Audio remplacé.' });
      const res = await app.authed(`/api/episodes/${episodeId}/corrections`, {
        method: 'POST',
        body: form,
      });
      assert.equal(res.status, 202, await res.clone().text());
      const v3 = await waitForVersion(3);
      assert.equal(v3.kind, 'replacement');
      assert.equal(v3.state, 'failed');
      assert.ok(v3.failureReason && !v3.failureReason.includes('/'), v3.failureReason ?? '');
      const still = await parseItem();
      assert.equal(still.enclosure!.url, live.enclosure!.url);
      assert.equal((await fetch(live.enclosure!.url)).status, 200);
      assert.equal((await versions()).find((v) => v.number === 2)!.state, 'live');
    });

    it('replaces the recording from a finished resumable upload, once', async () => {
      const audio = await fs.readFile(await interview());
      const tus = { authorization: `Bearer ${TEST_TOKEN}`, 'tus-resumable': '1.0.0' };
      const created = await fetch(`${app.baseUrl}/api/uploads`, {
        method: 'POST',
        headers: {
          ...tus,
          'upload-length': String(audio.length),
          'upload-metadata': `filename ${Buffer.from('nouveau-montage.wav').toString('base64')}`,
        },
      });
      assert.equal(created.status, 201);
      const uploadUrl = created.headers.get('location')!;
      const patch = await fetch(uploadUrl, {
        method: 'PATCH',
        headers: {
          ...tus,
          'content-type': 'application/offset+octet-stream',
          'upload-offset': '0',
        },
        body: new Uint8Array(audio),
      });
      assert.equal(patch.status, 204);
      const upload = uploadUrl.split('/').pop()!;
      const body = { upload, reason: 'Nouveau montage', note: 'L’entretien a été remonté.' };
      const res = await correct(body);
      assert.equal(res.status, 202, await res.clone().text());
      const v4 = await waitForVersion(4);
      assert.equal(v4.kind, 'replacement');
      assert.equal(v4.state, 'live', String(v4.failureReason));
      assert.equal((await correct(body)).status, 409, 'an upload makes one correction');
      const item = await parseItem();
      // The full interview again: longer than the cut version, and both notes, newest first.
      assert.ok(Math.abs(v4.durationSeconds! - duration) < 0.1, JSON.stringify(v4));
      const notes = item.contentEncoded.indexOf('remonté');
      assert.ok(notes >= 0 && notes < item.contentEncoded.indexOf('erroné'), item.contentEncoded);
    });
  });
}
