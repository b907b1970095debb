/**
 * Issue 3 acceptance: every input kind → loudness-normalised MP3/AAC/Opus ladder,
 * checked with independent tools (ffmpeg ebur128 and ffprobe on the served
 * files, never the figures the worker stored).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import {
  createTestShow,
  episodeForm,
  startTestApp,
  waitForEpisode,
  type TestApp,
} from '../helpers/app.js';
import { ARTICLE, SHOW_INPUT } from '../fixtures/editorial.js';
import {
  decodedDuration,
  ffmpegRun,
  ffprobeJson,
  makeAtLoudness,
  measureLoudness,
  tempDir,
} from '../helpers/audio.js';
import { interview } from '../fixtures/audio.js';

interface RenditionJson {
  profile: string;
  url: string;
  mimeType: string;
  codec: string;
  bitrateKbps: number;
  sampleRate: number;
  channels: number;
  bytes: number;
  durationSeconds: number;
}
interface EpisodeJson {
  id: string;
  state: string;
  progress: number;
  failureReason: string | null;
  durationSeconds: number;
  peaksUrl: string | null;
  renditions: RenditionJson[];
  processingRevision: number;
  loudness: {
    target: { integrated: number; truePeak: number };
    input: { integrated: number; lra: number; truePeak: number };
    output: { integrated: number; lra: number; truePeak: number };
    mode: string;
    gainDb: number;
  } | null;
}

/** What ffprobe must say of each profile. */
const EXPECTED: Record<
  string,
  { codec: string; sampleRate: number; channels: number; kbps: number; mime: string }
> = {
  'mp3-128k': { codec: 'mp3', sampleRate: 44100, channels: 2, kbps: 128, mime: 'audio/mpeg' },
  'aac-128k': { codec: 'aac', sampleRate: 44100, channels: 2, kbps: 128, mime: 'audio/x-m4a' },
  'opus-48k': { codec: 'opus', sampleRate: 48000, channels: 2, kbps: 48, mime: 'audio/ogg' },
  'mp3-64k-mono': { codec: 'mp3', sampleRate: 44100, channels: 1, kbps: 64, mime: 'audio/mpeg' },
  'aac-64k-mono': { codec: 'aac', sampleRate: 44100, channels: 1, kbps: 64, mime: 'audio/x-m4a' },
  'opus-32k-mono': { codec: 'opus', sampleRate: 48000, channels: 1, kbps: 32, mime: 'audio/ogg' },
};

async function download(url: string, dir: string, name: string): Promise<string> {
  const res = await fetch(url);
  assert.equal(res.status, 200, url);
  const file = path.join(dir, name);
  await fs.writeFile(file, Buffer.from(await res.arrayBuffer()));
  return file;
}

async function upload(
  app: TestApp,
  show: string,
  file: string,
  name: string,
  extra: Record<string, string> = {},
): Promise<string> {
  const res = await app.authed(`/api/shows/${show}/episodes`, {
    method: 'POST',
    body: await episodeForm(file, { ...ARTICLE, ...extra }, name),
  });
  assert.equal(res.status, 202, await res.clone().text());
  return ((await res.json()) as { id: string }).id;
}

async function readyEpisode(app: TestApp, id: string): Promise<EpisodeJson> {
  const done = (await waitForEpisode(
    app.baseUrl,
    id,
    undefined,
    120_000,
  )) as unknown as EpisodeJson;
  assert.equal(done.state, 'ready', `failed: ${String(done.failureReason)}`);
  return done;
}

/** Every rendition: decodes, right codec/rate/channels/bitrate, duration, loudness, true peak. */
async function assertLadder(
  episode: EpisodeJson,
  work: string,
  expectedProfiles: readonly string[],
  inputDuration: number,
  targetLufs: number,
): Promise<void> {
  assert.deepEqual(episode.renditions.map((r) => r.profile).sort(), [...expectedProfiles].sort());
  for (const r of episode.renditions) {
    const want = EXPECTED[r.profile]!;
    assert.equal(r.mimeType, want.mime);
    const file = await download(r.url, work, `${episode.id}-${r.profile}`);
    const probed = await ffprobeJson(file);
    const audio = probed.streams.find((s) => s.codec_type === 'audio')!;
    const where = `${episode.id} ${r.profile}`;
    assert.equal(audio.codec_name, want.codec, where);
    assert.equal(Number(audio.sample_rate), want.sampleRate, where);
    assert.equal(audio.channels, want.channels, where);
    // MP3 and Opus are CBR: the requested bitrate ±10 % (container headers). ffmpeg's AAC
    // encoder has no CBR mode: its bitrate is a ceiling that speech pauses stay under.
    const bitRate = Number(audio.bit_rate ?? (probed.format as { bit_rate?: string }).bit_rate);
    const ratio = bitRate / 1000 / want.kbps;
    const [low, high] = want.codec === 'aac' ? [0.6, 1.1] : [0.9, 1.1];
    assert.ok(ratio >= low && ratio <= high, `${where}: bitrate ${bitRate} vs ${want.kbps}k`);
    const duration = Number(probed.format.duration);
    assert.ok(
      Math.abs(duration - inputDuration) <= 0.1,
      `${where}: duration ${duration} vs input ${inputDuration}`,
    );
    const loud = await measureLoudness(file);
    assert.ok(
      Math.abs(loud.integrated - targetLufs) <= 1,
      `${where}: ${loud.integrated} LUFS, target ${targetLufs}`,
    );
    assert.ok(loud.truePeak <= -0.5, `${where}: true peak ${loud.truePeak} dBTP`);
  }
  // Waveform peaks: length ≈ duration × sample_rate / samples_per_pixel.
  assert.ok(episode.peaksUrl);
  const peaks = (await (await fetch(episode.peaksUrl)).json()) as {
    version: number;
    sample_rate: number;
    samples_per_pixel: number;
    length: number;
    data: number[];
  };
  assert.equal(peaks.version, 2);
  const enclosure = episode.renditions.find((r) => r.profile.startsWith('mp3-'))!;
  const expected = (enclosure.durationSeconds * peaks.sample_rate) / peaks.samples_per_pixel;
  assert.ok(
    Math.abs(peaks.length - expected) / expected < 0.01,
    `peaks ${peaks.length} vs ${expected}`,
  );
  assert.equal(peaks.data.length, peaks.length * 2);
}

describe('audio ladder: every input kind, normalised and verified', function () {
  // Longer than the layer’s timeout: every input kind is encoded to the ladder and measured.
  this.timeout(600_000);
  let app: TestApp;
  let work: string;
  let speech: string;
  const inputs: { kind: string; file: string; name: string }[] = [];

  before(async () => {
    work = await tempDir('antenne-audio-');
    // ~7 s of speech keeps the suite fast; the interview helper makes ~12 s.
    const full = await interview();
    speech = path.join(work, 'speech.wav');
    await ffmpegRun(['-i', full, '-t', '7', speech]);
    const from = (kind: string, name: string, args: string[], pre: string[] = []) => ({
      kind,
      name,
      args,
      pre,
    });
    const specs = [
      from('WAV 16-bit stereo 44.1 kHz', 'a.wav', [
        '-ac',
        '2',
        '-ar',
        '44100',
        '-c:a',
        'pcm_s16le',
      ]),
      from('WAV 24-bit mono 48 kHz', 'b.wav', ['-ac', '1', '-ar', '48000', '-c:a', 'pcm_s24le']),
      from('WAV float stereo 96 kHz', 'c.wav', ['-ac', '2', '-ar', '96000', '-c:a', 'pcm_f32le']),
      // Named .mp3 on purpose: recognised by its content, not its name.
      from('FLAC mono 22.05 kHz named .mp3', 'flac-really.mp3', [
        '-ac',
        '1',
        '-ar',
        '22050',
        '-c:a',
        'flac',
        '-f',
        'flac',
      ]),
      from('AIFF stereo 32 kHz', 'e.aiff', ['-ac', '2', '-ar', '32000', '-c:a', 'pcm_s16be']),
      from('MP3 192k stereo', 'f.mp3', ['-ac', '2', '-c:a', 'libmp3lame', '-b:a', '192k']),
      from('M4A/AAC 48 kHz', 'g.m4a', ['-ac', '2', '-ar', '48000', '-c:a', 'aac', '-b:a', '160k']),
      from('OGG/Vorbis', 'h.ogg', ['-ac', '2', '-c:a', 'libvorbis', '-q:a', '4']),
      from('Opus', 'i.opus', ['-ac', '1', '-c:a', 'libopus', '-b:a', '32k']),
      from('WebM (Opus)', 'j.webm', ['-ac', '2', '-c:a', 'libopus', '-b:a', '64k', '-f', 'webm']),
      from(
        'MP4 video with AAC audio',
        'k.mp4',
        [
          '-map',
          '1:v',
          '-map',
          '0:a',
          '-shortest',
          '-c:v',
          'libx264',
          '-preset',
          'ultrafast',
          '-c:a',
          'aac',
          '-b:a',
          '96k',
        ],
        ['-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=5'],
      ),
      from(
        'MOV video with PCM audio',
        'l.mov',
        ['-map', '1:v', '-map', '0:a', '-shortest', '-c:v', 'mpeg4', '-c:a', 'pcm_s16le'],
        ['-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=5'],
      ),
      from('FLAC 5.1 48 kHz', 'm.flac', [
        '-af',
        'pan=5.1|FL=c0|FR=c0|FC=c0|LFE=0.1*c0|BL=0.3*c0|BR=0.3*c0',
        '-ar',
        '48000',
        '-c:a',
        'flac',
      ]),
    ];
    for (const s of specs) {
      const file = path.join(work, s.name);
      // Extra inputs (video) come after the speech: -i speech then the lavfi source.
      await ffmpegRun(['-i', speech, ...s.pre, ...s.args, file]);
      inputs.push({ kind: s.kind, file, name: s.name });
    }
    // A quiet phone line: band-limited 300–3400 Hz, 8 kHz, mono, −30 LUFS.
    const phone = path.join(work, 'phone.wav');
    await makeAtLoudness(
      speech,
      phone,
      -30,
      'aresample=8000,highpass=f=300,lowpass=f=3400,aresample=44100',
      ['-ac', '1', '-c:a', 'pcm_s16le'],
    );
    inputs.push({ kind: 'quiet −30 LUFS mono phone line', file: phone, name: 'téléphone.wav' });
    // A loud, clipped one: +20 dB into 16 bits.
    const loud = path.join(work, 'loud.wav');
    await ffmpegRun(['-i', speech, '-af', 'volume=20dB', '-ac', '2', '-c:a', 'pcm_s16le', loud]);
    inputs.push({ kind: 'loud clipped', file: loud, name: 'saturé.wav' });

    app = await startTestApp({ engine: 'pglite' });
    await createTestShow(app);
  });

  after(async () => {
    await app?.close();
    await fs.rm(work, { recursive: true, force: true });
  });

  it('generated the quiet and the loud inputs as specified', async () => {
    const phone = await measureLoudness(inputs.find((i) => i.name === 'téléphone.wav')!.file);
    assert.ok(Math.abs(phone.integrated + 30) <= 0.5, `phone input at ${phone.integrated}`);
    const loud = await measureLoudness(inputs.find((i) => i.name === 'saturé.wav')!.file);
    assert.ok(loud.integrated > -10 && loud.truePeak > -0.5, `loud input ${JSON.stringify(loud)}`);
  });

  it('turns every input kind into the default ladder at −16 LUFS, ≤ −0.5 dBTP', async () => {
    // All uploads first: the worker processes them one after the other.
    const ids = [];
    for (const input of inputs)
      ids.push(await upload(app, SHOW_INPUT.slug, input.file, input.name));
    for (const [i, input] of inputs.entries()) {
      const episode = await readyEpisode(app, ids[i]!);
      const inputDuration = await decodedDuration(input.file);
      await assertLadder(
        episode,
        work,
        ['mp3-128k', 'aac-128k', 'opus-48k'],
        inputDuration,
        -16,
      ).catch((error: unknown) => {
        throw new Error(`${input.kind}: ${(error as Error).message}`);
      });
      // The figures on the episode: input as measured independently (in the ladder's
      // stereo layout: a 5.1 upload is measured as the downmix listeners get), output on target.
      assert.ok(episode.loudness, `${input.kind}: loudness recorded`);
      const measuredInput = await measureLoudness(input.file, 'aformat=channel_layouts=stereo');
      assert.ok(
        Math.abs(episode.loudness.input.integrated - measuredInput.integrated) <= 1,
        `${input.kind}: stored input ${episode.loudness.input.integrated} vs ${measuredInput.integrated}`,
      );
      assert.ok(Math.abs(episode.loudness.output.integrated + 16) <= 0.5);
      assert.deepEqual(episode.loudness.target, { integrated: -16, truePeak: -1 });
    }
  });

  it('levels a wide-range interview (quiet guest, loud host) before the gain', async () => {
    const wide = path.join(work, 'wide.wav');
    await ffmpegRun([
      '-i',
      speech,
      '-i',
      speech,
      '-i',
      speech,
      '-filter_complex',
      '[0:a]volume=0dB[a];[1:a]volume=-22dB[b];[2:a]volume=-1dB[c];[a][b][c]concat=n=3:v=0:a=1',
      '-ac',
      '2',
      '-c:a',
      'pcm_s16le',
      wide,
    ]);
    const before = await measureLoudness(wide);
    assert.ok(before.lra > 12, `the input is wide: LRA ${before.lra}`);
    const episode = await readyEpisode(app, await upload(app, SHOW_INPUT.slug, wide, 'wide.wav'));
    assert.equal(episode.loudness?.mode, 'leveled');
    await assertLadder(
      episode,
      work,
      ['mp3-128k', 'aac-128k', 'opus-48k'],
      await decodedDuration(wide),
      -16,
    );
    const mp3 = episode.renditions.find((r) => r.profile === 'mp3-128k')!;
    const after = await measureLoudness(await download(mp3.url, work, 'wide-out.mp3'));
    assert.ok(after.lra < before.lra - 5, `LRA ${before.lra} → ${after.lra}`);
  });

  it('uses a show’s mono speech ladder at −19 LUFS', async () => {
    const res = await app.authed('/api/shows', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        ...SHOW_INPUT,
        slug: 'parole-mono',
        renditionProfiles: ['mp3-64k-mono', 'aac-64k-mono', 'opus-32k-mono'],
      }),
    });
    assert.equal(res.status, 201, await res.clone().text());
    const show = (await res.json()) as { audio: { renditionProfiles: string[] } };
    assert.deepEqual(show.audio.renditionProfiles, [
      'mp3-64k-mono',
      'aac-64k-mono',
      'opus-32k-mono',
    ]);
    const phone = inputs.find((i) => i.name === 'téléphone.wav')!;
    const episode = await readyEpisode(
      app,
      await upload(app, 'parole-mono', phone.file, 'tel.wav'),
    );
    await assertLadder(
      episode,
      work,
      ['mp3-64k-mono', 'aac-64k-mono', 'opus-32k-mono'],
      await decodedDuration(phone.file),
      -19,
    );
    assert.equal(episode.loudness?.target.integrated, -19);
  });
});
