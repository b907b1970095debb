/**
 * Issue 3: tags and chapters read back with ffprobe, reprocessing with another
 * ladder and target (outputs replaced, never doubled), playlists refused
 * without the referenced file ever being opened. On both database engines.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { storageKeys } from '../../src/core/storage-keys.js';
import { ENGINES } from '../helpers/databases.js';
import { EDITOR_HEADERS, uploadEpisode, useTestApp, waitForEpisode } from '../helpers/app.js';
import { ARTICLE, SHOW_INPUT } from '../fixtures/editorial.js';
import {
  ffmpegRun,
  ffprobeChapters,
  ffprobeJson,
  measureLoudness,
  tempDir,
} from '../helpers/audio.js';
import { storedNames } from '../helpers/storage.js';
import { interview } from '../fixtures/audio.js';

const CHAPTERS = {
  version: '1.2.0',
  chapters: [
    { startTime: 0, title: 'Introduction « numérique »' },
    { startTime: 2.5, title: 'La Team Normandie, chef de file ; l’avenir = ?' },
  ],
};

interface EpisodeJson {
  id: string;
  state: string;
  failureReason: string | null;
  processingRevision: number;
  chapters: unknown;
  chaptersUrl: string | null;
  loudness: { target: { integrated: number } } | null;
  renditions: { profile: string; url: string }[];
  peaksUrl: string;
}

async function download(url: string, dir: string, name: string): Promise<string> {
  const file = path.join(dir, name);
  await fs.writeFile(file, Buffer.from(await (await fetch(url)).arrayBuffer()));
  return file;
}

/** True if some process has the FIFO open for reading right now. */
async function fifoHasReader(fifo: string): Promise<boolean> {
  try {
    const handle = await fs.open(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
    await handle.close();
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENXIO') return false;
    throw error;
  }
}

for (const engine of ENGINES) {
  describe(`audio tags, chapters, reprocessing, playlists (${engine})`, function () {
    // Longer than the layer’s timeout: encodes the ladder with tags and artwork, then again when reprocessed.
    this.timeout(180_000);
    const app = useTestApp({ engine });
    let work: string;
    let speech: string;

    before(async () => {
      work = await tempDir('antenne-tags-');
      const full = await interview();
      speech = path.join(work, 'speech.wav');
      await ffmpegRun(['-i', full, '-t', '6', '-ac', '2', speech]);
    });

    after(async () => {
      await fs.rm(work, { recursive: true, force: true });
    });

    it('writes ID3v2.3 tags, artwork and CHAP/CTOC chapters in the MP3, MP4 metadata and chapters in the M4A; reprocesses with another ladder and target', async () => {
      // A stored cover image (never fetched from the network) goes into the MP3 and the M4A.
      const cover = path.join(work, 'cover.jpg');
      await ffmpegRun(['-f', 'lavfi', '-i', 'color=c=red:s=300x300', '-frames:v', '1', cover]);
      const show = await app.antenne.repos.shows.findBySlug(SHOW_INPUT.slug);
      await app.antenne.storage.putFile(storageKeys.showArtwork(show!.id, 'jpg'), cover);
      const res = await uploadEpisode(app, speech, { chapters: JSON.stringify(CHAPTERS) });
      assert.equal(res.status, 202, await res.clone().text());
      const { id } = (await res.json()) as { id: string };
      const ready = (await waitForEpisode(app.baseUrl, id)) as unknown as EpisodeJson;
      assert.equal(ready.state, 'ready', String(ready.failureReason));
      assert.deepEqual(ready.chapters, CHAPTERS);
      // The same list is published for the feed and the player (podcast:chapters).
      assert.ok(ready.chaptersUrl, 'chapters sent with the upload reach the feed');
      assert.deepEqual(await (await fetch(ready.chaptersUrl)).json(), CHAPTERS);
      const feedXml = await (await fetch(`${app.baseUrl}/feeds/${SHOW_INPUT.slug}.xml`)).text();
      assert.ok(!feedXml.includes(ready.chaptersUrl), 'not in the feed before publication');

      const mp3 = await download(
        ready.renditions.find((r) => r.profile === 'mp3-128k')!.url,
        work,
        'tagged.mp3',
      );
      const head = (await fs.readFile(mp3)).subarray(0, 4);
      assert.deepEqual([...head], [0x49, 0x44, 0x33, 3], 'ID3v2.3 header at the start');
      const raw = await fs.readFile(mp3);
      assert.ok(raw.includes(Buffer.from('CHAP')) && raw.includes(Buffer.from('CTOC')));
      const mp3Probe = await ffprobeJson(mp3);
      const picture = mp3Probe.streams.find((st) => st.codec_type === 'video') as
        { codec_name: string; disposition?: { attached_pic?: number } } | undefined;
      assert.equal(picture?.codec_name, 'mjpeg', 'cover art in the MP3');
      assert.equal(picture?.disposition?.attached_pic, 1);
      const tags = mp3Probe.format.tags ?? {};
      assert.equal(tags.title, ARTICLE.title);
      assert.equal(tags.artist, ARTICLE.author);
      assert.equal(tags.album, SHOW_INPUT.title);
      assert.equal(tags.date, '2018-05-31');
      assert.equal(tags.comment, ARTICLE.articleUrl);

      for (const profile of ['mp3-128k', 'aac-128k', 'opus-48k']) {
        const file = await download(
          ready.renditions.find((r) => r.profile === profile)!.url,
          work,
          `ch-${profile}`,
        );
        const chapters = await ffprobeChapters(file);
        assert.deepEqual(
          chapters.map((c) => [Number(c.start_time), c.tags?.title]),
          CHAPTERS.chapters.map((c) => [c.startTime, c.title]),
          profile,
        );
        assert.ok(Math.abs(Number(chapters[1]!.end_time) - 6) < 0.1, `${profile} last chapter end`);
        if (profile === 'aac-128k') {
          const m4aProbe = await ffprobeJson(file);
          assert.ok(
            m4aProbe.streams.some((st) => st.codec_type === 'video'),
            'cover art in the M4A',
          );
          const m4aTags = m4aProbe.format.tags ?? {};
          assert.equal(m4aTags.title, ARTICLE.title);
          assert.equal(m4aTags.artist, ARTICLE.author);
          assert.equal(m4aTags.album, SHOW_INPUT.title);
        }
      }

      // Chapters edited after upload (the studio's PUT): one list again, written into
      // the files by the next processing.
      const edited = {
        version: '1.2.0',
        chapters: [
          { startTime: 0, title: 'Accueil' },
          { startTime: 1.5, title: 'La « fibre »' },
          { startTime: 4, title: 'Et après ?' },
        ],
      };
      const put = await app.authed(`/api/episodes/${id}/chapters`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(edited),
      });
      assert.equal(put.status, 200, await put.clone().text());
      const withEdited = (await put.json()) as EpisodeJson;
      assert.deepEqual(withEdited.chapters, edited);
      assert.deepEqual(await (await fetch(withEdited.chaptersUrl!)).json(), edited);
      const transcript = await app.authed(`/api/episodes/${id}/transcript`, {
        method: 'PUT',
        headers: { 'content-type': 'text/vtt' },
        body: 'WEBVTT\n\n00:00.000 --> 00:02.500\nBonjour, « numérique » !\n',
      });
      assert.equal(transcript.status, 200, await transcript.clone().text());
      const transcriptUrl = ((await transcript.json()) as { transcript: { url: string } })
        .transcript.url;

      // Reprocess: a mono speech ladder at −18 LUFS (stereo target → −21 in mono).
      const before = await storedNames(app.antenne.storage, `public/episodes/${id}`);
      const again = await app.authed(`/api/episodes/${id}/reprocess`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ renditionProfiles: ['mp3-64k-mono'], loudnessTargetLufs: -18 }),
      });
      assert.equal(again.status, 202, await again.clone().text());
      const queued = (await again.json()) as EpisodeJson;
      assert.equal(queued.processingRevision, 1);
      assert.equal(queued.state, 'processing');
      const redone = (await waitForEpisode(app.baseUrl, id)) as unknown as EpisodeJson;
      assert.equal(redone.state, 'ready', String(redone.failureReason));
      assert.deepEqual(
        redone.renditions.map((r) => r.profile),
        ['mp3-64k-mono'],
      );
      assert.equal(redone.loudness?.target.integrated, -21);
      const mono = await download(redone.renditions[0]!.url, work, 'mono.mp3');
      const probed = await ffprobeJson(mono);
      const monoAudio = probed.streams.find((st) => st.codec_type === 'audio')!;
      assert.equal(monoAudio.channels, 1);
      assert.equal(monoAudio.bit_rate, '64000');
      const loud = await measureLoudness(mono);
      assert.ok(Math.abs(loud.integrated + 21) <= 1, `${loud.integrated} LUFS`);
      assert.ok(loud.truePeak <= -0.5);
      // The edited chapters are now in the file.
      assert.deepEqual(
        (await ffprobeChapters(mono)).map((c) => [Number(c.start_time), c.tags?.title]),
        edited.chapters.map((c) => [c.startTime, c.title]),
      );
      // The editor's files survive reprocessing; the old renditions and peaks are gone.
      assert.equal((await fetch(withEdited.chaptersUrl!)).status, 200);
      assert.match(await (await fetch(transcriptUrl)).text(), /Bonjour, « numérique » !/);
      const after = await storedNames(app.antenne.storage, `public/episodes/${id}`);
      // Renditions, the two peak sets (studio and player), chapters, transcript.
      assert.equal(before.length, 7, `before: ${before.join(', ')}`);
      assert.equal(after.length, 5, `after: ${after.join(', ')}`);
      assert.equal(after.filter((f) => f.endsWith('.chapters.json')).length, 1);
      assert.equal(after.filter((f) => f.startsWith('transcript-')).length, 1);
      assert.ok(after.some((f) => f.startsWith('mp3-64k-mono-')));
      assert.ok(after.some((f) => f.startsWith('peaks-')));
      assert.ok(after.some((f) => f.startsWith('player-peaks-')));
      // The old job id and the new one both exist, once each.
      const queue = app.antenne.producer.queue('audio');
      assert.equal(await (await queue.getJob(`process-audio-${id}-r1`))?.getState(), 'completed');
    });

    it('refuses invalid chapters and settings with 400 problems naming the fields', async () => {
      const bad = await uploadEpisode(app, speech, {
        chapters: JSON.stringify({
          version: '1.2.0',
          chapters: [{ startTime: 5 }, { startTime: 2, title: 'Avant ?' }],
        }),
      });
      assert.equal(bad.status, 400);
      const problem = (await bad.json()) as { errors: { field: string }[] };
      assert.deepEqual(
        problem.errors.map((e) => e.field),
        ['chapters.chapters.1.startTime'],
      );

      const show = await app.authed(`/api/shows/${SHOW_INPUT.slug}/audio`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ loudnessTargetLufs: -5, renditionProfiles: ['aac-128k', 'wav'] }),
      });
      assert.equal(show.status, 400);
      const fields = ((await show.json()) as { errors: { field: string }[] }).errors.map(
        (e) => e.field,
      );
      assert.ok(fields.includes('loudnessTargetLufs'), fields.join());
      assert.ok(fields.includes('renditionProfiles.1'), fields.join());

      const ok = await app.authed(`/api/shows/${SHOW_INPUT.slug}/audio`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ loudnessTargetLufs: -18, truePeakDbtp: -1.5 }),
      });
      assert.equal(ok.status, 200);
      const saved = (await ok.json()) as { audio: Record<string, unknown> };
      assert.deepEqual(saved.audio, {
        loudnessTargetLufs: -18,
        truePeakDbtp: -1.5,
        renditionProfiles: null,
      });
      // Back to the defaults for the other tests.
      await app.authed(`/api/shows/${SHOW_INPUT.slug}/audio`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
    });

    it('rejects an uploaded .m3u8 and a concat list without opening the file they reference', async () => {
      // The referenced "file" is a FIFO with no writer: opening it for reading would block
      // (the job would hang until its deadline) and would show as a reader on the FIFO.
      const fifo = path.join(work, 'secret.wav');
      await promisify(execFile)('mkfifo', [fifo]);
      const playlist = path.join(work, 'list.m3u8');
      await fs.writeFile(
        playlist,
        `#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\n${fifo}\n#EXT-X-ENDLIST\n`,
      );
      const concat = path.join(work, 'list.txt');
      await fs.writeFile(concat, `ffconcat version 1.0\nfile '${fifo}'\n`);

      for (const [file, name] of [
        [playlist, 'entretien.m3u8'],
        [concat, 'entretien.mp3'],
      ] as const) {
        const res = await uploadEpisode(app, file, {}, name);
        assert.equal(res.status, 202);
        const { id } = (await res.json()) as { id: string };
        let sawReader = false;
        const deadline = Date.now() + 20_000;
        let done: EpisodeJson | null = null;
        while (Date.now() < deadline) {
          sawReader ||= await fifoHasReader(fifo);
          const body = (await (
            await fetch(`${app.baseUrl}/api/episodes/${id}`, { headers: EDITOR_HEADERS })
          ).json()) as EpisodeJson;
          if (body.state === 'failed' || body.state === 'ready') {
            done = body;
            break;
          }
          await new Promise((r) => setTimeout(r, 20));
        }
        assert.ok(done, `${name}: the job neither failed nor finished (blocked on the FIFO?)`);
        assert.equal(done.state, 'failed');
        assert.match(String(done.failureReason), /playlist or a reference to other files/);
        assert.equal(sawReader || (await fifoHasReader(fifo)), false, 'the FIFO was opened');
        const job = await app.antenne.producer.queue('audio').getJob(`process-audio-${id}-r0`);
        assert.equal(job?.attemptsMade, 1, 'bad input is not retried');
      }
    });
  });
}
