/**
 * Issue 10: the worker judges an upload by what decodes, not by what its
 * header says, and refuses it with a reason an editor understands: the right
 * category, the figures in m:ss, never a server path. Real uploads through the
 * API, the real worker and ffmpeg, on each database engine.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { ENGINES } from '../helpers/databases.js';
import {
  MP3_ONLY_LADDER,
  TEST_TOKEN,
  uploadEpisode,
  useTestApp,
  waitForEpisode,
} from '../helpers/app.js';
import { decodedDuration, ffprobeChapters, ffprobeJson, tempDir } from '../helpers/audio.js';
import {
  mp3WithLyingHeader,
  silentVideo,
  tone,
  toneDeclaringChannels,
  truncatedMp3,
} from '../fixtures/audio.js';
import { image } from '../fixtures/images.js';

const MAX_SECONDS = 60;

interface Fixtures {
  readonly dir: string;
  /** Header: 30 s; audio: 300 s. */
  readonly lyingLong: string;
  /** Header: 30 s; audio: 45 s (within the limit). */
  readonly lyingShort: string;
  /** The first 10 KiB of a 120 s MP3. */
  readonly truncated: string;
  readonly png: string;
  readonly text: string;
  readonly video: string;
  readonly blip: string;
  readonly manyChannels: string;
}

let fixtures: Promise<Fixtures> | null = null;
/** Made once for both engines. */
function makeFixtures(): Promise<Fixtures> {
  fixtures ??= (async () => {
    const dir = await tempDir();
    const text = path.join(dir, 'notes.txt');
    await fs.writeFile(
      text,
      'Entretien avec la secrétaire d’État : « à relire » avant diffusion.\n',
    );
    return {
      dir,
      lyingLong: await mp3WithLyingHeader(30, 300),
      lyingShort: await mp3WithLyingHeader(30, 45),
      truncated: await truncatedMp3(120, 10 * 1024),
      png: await image(64, 64, 'png'),
      text,
      video: await silentVideo(),
      blip: await tone(0.05),
      manyChannels: await toneDeclaringChannels(2, 65535),
    };
  })();
  return fixtures;
}

after(async () => {
  if (fixtures) await fs.rm((await fixtures).dir, { recursive: true, force: true });
});

interface EpisodeJson {
  id: string;
  state: string;
  failureReason: string | null;
  durationSeconds: number | null;
  renditions: { profile: string; url: string }[];
}

for (const engine of ENGINES) {
  describe(`audio judged by what decodes (${engine})`, function () {
    // Longer than the layer’s timeout: decodes a 300-second MP3 whole to check its real length.
    this.timeout(120_000);
    // Of the renditions, only the MP3 is read (its chapters): the show encodes it alone.
    const app = useTestApp(
      { engine, env: { MAX_AUDIO_DURATION_SECONDS: String(MAX_SECONDS) } },
      { ladder: MP3_ONLY_LADDER },
    );
    let files: Fixtures;

    before(async () => {
      files = await makeFixtures();
    });

    /** Uploads `file`, waits until the worker settles it, and reads it back with the editor token. */
    async function uploadAndSettle(
      file: string,
      name: string,
      fields: Record<string, string> = {},
    ): Promise<EpisodeJson> {
      const upload = await uploadEpisode(app, file, fields, name);
      assert.equal(upload.status, 202, await upload.clone().text());
      const { id } = (await upload.json()) as { id: string };
      await waitForEpisode(app.baseUrl, id, undefined, 90_000);
      const res = await app.authed(`/api/episodes/${id}`);
      assert.equal(res.status, 200);
      return (await res.json()) as EpisodeJson;
    }

    /** Failed, not retried, and the reason says `expected` without a path or a tool's output. */
    async function assertRefused(episode: EpisodeJson, expected: RegExp): Promise<void> {
      assert.equal(episode.state, 'failed', `not refused: ${String(episode.failureReason)}`);
      const reason = String(episode.failureReason);
      assert.match(reason, expected);
      assert.doesNotMatch(reason, /\//, 'no path fragment');
      assert.doesNotMatch(reason, /original\./i, 'no stored file name');
      assert.ok(!reason.includes(path.basename(app.dataDir)), 'no data dir');
      assert.doesNotMatch(reason, /0x[0-9a-f]{4,}|\[\w+ @/, 'no ffmpeg log prefix');
      const job = await app.antenne.producer
        .queue('audio')
        .getJob(`process-audio-${episode.id}-r0`);
      assert.equal(job?.attemptsMade, 1, 'bad input is not retried');
    }

    it('holds the duration limit against a header that claims 30 s for 300 s of audio', async () => {
      const probed = await ffprobeJson(files.lyingLong);
      assert.ok(
        Math.abs(Number(probed.format.duration) - 30) < 1,
        `the header claims ${probed.format.duration} s`,
      );
      assert.ok(Math.abs((await decodedDuration(files.lyingLong)) - 300) < 1, '300 s decode');

      const episode = await uploadAndSettle(files.lyingLong, 'entretien-long.mp3');
      await assertRefused(
        episode,
        /^The recording lasts more than 1:00, the limit is 1:00\. Upload a shorter edit\.$/,
      );
    });

    it('processes in full, chapters included, a header that under-declares within the limit', async () => {
      assert.ok(Math.abs(Number((await ffprobeJson(files.lyingShort)).format.duration) - 30) < 1);
      // A chapter past what the header claims: kept, since the audio is there.
      const chapters = {
        version: '1.2.0',
        chapters: [
          { startTime: 0, title: 'Introduction' },
          { startTime: 38, title: 'Après la « fin » annoncée' },
        ],
      };
      const episode = await uploadAndSettle(files.lyingShort, 'entretien.mp3', {
        chapters: JSON.stringify(chapters),
      });
      assert.equal(episode.state, 'ready', String(episode.failureReason));
      assert.ok(
        Math.abs(Number(episode.durationSeconds) - 45) < 1,
        `episode lasts ${episode.durationSeconds} s`,
      );
      const mp3 = episode.renditions.find((r) => r.profile === 'mp3-128k');
      assert.ok(mp3);
      const res = await fetch(mp3.url, { headers: { authorization: `Bearer ${TEST_TOKEN}` } });
      assert.equal(res.status, 200);
      const file = path.join(files.dir, `${engine}-rendition.mp3`);
      await fs.writeFile(file, Buffer.from(await res.arrayBuffer()));
      const written = await ffprobeChapters(file);
      assert.deepEqual(
        written.map((c) => [Number(c.start_time), c.tags?.title]),
        chapters.chapters.map((c) => [c.startTime, c.title]),
      );
      assert.ok(
        Math.abs(Number(written[1]!.end_time) - 45) < 1,
        'the last chapter ends with the audio',
      );
    });

    it('fails a truncated upload as incomplete, with both lengths', async () => {
      assert.ok(Math.abs(Number((await ffprobeJson(files.truncated)).format.duration) - 120) < 1);
      const episode = await uploadAndSettle(files.truncated, 'entretien-coupé.mp3');
      await assertRefused(
        episode,
        /^The file is incomplete: it declares 2:00 but only 0:00\.\d{1,2} could be read — upload it again\.$/,
      );
    });

    it('says an image, a text file and a video without sound are not audio', async () => {
      await assertRefused(
        await uploadAndSettle(files.png, 'photo.png'),
        /^The file is an image, not audio\. Upload the interview as an audio file/,
      );
      await assertRefused(
        await uploadAndSettle(files.text, 'notes.txt'),
        /^The file is not audio that can be read/,
      );
      await assertRefused(
        await uploadAndSettle(files.video, 'reportage.mp4'),
        /^The file is a video without sound: it has no audio track\./,
      );
    });

    it('calls a 0.05 s tone too short, not silent', async () => {
      await assertRefused(
        await uploadAndSettle(files.blip, 'bip.wav'),
        /^The recording is too short: 0:00\.05, at least 1 s is needed\./,
      );
    });

    it('calls a WAV header that declares 65535 channels damaged, with that figure', async () => {
      await assertRefused(
        await uploadAndSettle(files.manyChannels, 'entretien.wav'),
        /^The file's header is damaged or not supported \(it declares 65535 channels\)\./,
      );
    });
  });
}
