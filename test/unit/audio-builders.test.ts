/** Pure audio builders and parsers: exact ffmpeg arguments, loudness planning, chapters. */
import assert from 'node:assert/strict';
import { settingsFor } from '../../src/services/renditions.js';
import { revisionOf } from '../../src/core/jobs.js';
import { chaptersSchema } from '../../src/core/chapters.js';
import type { Episode, Show } from '../../src/core/domain.js';
import { RENDITION_PROFILES } from '../../src/core/media-types.js';
import { ladderSchema } from '../../src/core/schemas.js';
import {
  PLAN_DEFAULTS,
  parseEbur128Summary,
  planChain,
  targetFor,
  type LoudnessTarget,
} from '../../src/media/loudness.js';
import {
  decodeGuardFilters,
  decodedAudioCollector,
  namedSummariesCollector,
  nextCorrection,
  withTruePeak,
} from '../../src/media/pipeline.js';
import {
  analysisInvocation,
  chapterSpans,
  encodeGroupInvocation,
  ffmetadataFor,
  measureInvocation,
  meterSpans,
  oggChapterSpans,
  planEncodeGroups,
  renditionOutputOptions,
} from '../../src/media/profiles.js';

const P = (name: string) => RENDITION_PROFILES[name]!;
const TAGS = { title: 'Deux mots « guillemets »', artist: 'Marie', album: 'Émission' };

describe('rendition output options', () => {
  it('MP3: CBR 128k 44.1 kHz stereo, ID3v2.3 without ID3v1, chapters from input 1', () => {
    assert.deepEqual(
      renditionOutputOptions(P('mp3-128k'), TAGS, { audio: '[t0]', chaptersInput: 1 }),
      [
        '-map',
        '[t0]',
        '-map_metadata',
        '1',
        '-map_chapters',
        '1',
        '-metadata',
        'title=Deux mots « guillemets »',
        '-metadata',
        'artist=Marie',
        '-metadata',
        'album=Émission',
        '-c:a',
        'libmp3lame',
        '-b:a',
        '128k',
        '-ar',
        '44100',
        '-ac',
        '2',
        '-id3v2_version',
        '3',
        '-write_id3v1',
        '0',
        '-f',
        'mp3',
      ],
    );
  });

  it('M4A: AAC-LC, faststart, ipod muxer, artwork as attached picture; no chapters → -1', () => {
    assert.deepEqual(
      renditionOutputOptions(P('aac-64k-mono'), { title: 'T' }, { audio: '[o1]', artworkInput: 2 }),
      [
        '-map',
        '[o1]',
        '-map',
        '2:v:0',
        '-c:v',
        'copy',
        '-disposition:v:0',
        'attached_pic',
        '-map_metadata',
        '-1',
        '-map_chapters',
        '-1',
        '-metadata',
        'title=T',
        '-c:a',
        'aac',
        '-b:a',
        '64k',
        '-ar',
        '44100',
        '-ac',
        '1',
        '-profile:a',
        'aac_low',
        '-movflags',
        '+faststart',
        '-f',
        'ipod',
      ],
    );
  });

  it('Opus: 48 kHz hard CBR in Ogg, never artwork', () => {
    assert.deepEqual(
      renditionOutputOptions(P('opus-48k'), { title: 'T' }, { audio: '[o2]', artworkInput: 2 }),
      [
        '-map',
        '[o2]',
        '-map_metadata',
        '-1',
        '-map_chapters',
        '-1',
        '-metadata',
        'title=T',
        '-c:a',
        'libopus',
        '-b:a',
        '48k',
        '-ar',
        '48000',
        '-ac',
        '2',
        '-vbr',
        'off',
        '-f',
        'ogg',
      ],
    );
  });
});

describe('encode groups', () => {
  it('splits the default ladder over two processes: Opus alone, MP3 + AAC together', () => {
    const ladder = ['mp3-128k', 'aac-128k', 'opus-48k'].map(P);
    // Measured: Opus (24.8 CPU s for 10 minutes) is lighter than MP3 + AAC (6.0 + 19.8):
    // the peaks PCM goes with the Opus process (group 0), and the meter until it is learned.
    assert.deepEqual(planEncodeGroups(ladder, 2), { groups: [[2], [0, 1]], lightest: 0 });
    assert.deepEqual(planEncodeGroups(ladder, 1), { groups: [[0, 1, 2]], lightest: 0 });
    assert.deepEqual(planEncodeGroups([P('mp3-128k')], 4), { groups: [[0]], lightest: 0 });
  });

  it('builds one decode → chain → asplit graph with trims, named meters and peaks', () => {
    const inv = encodeGroupInvocation({
      input: '/in.wav',
      filters: ['aformat=channel_layouts=stereo', 'volume=3.00dB'],
      outputs: [
        { profile: P('mp3-128k'), path: '/t/mp3-128k.mp3' },
        { profile: P('opus-48k'), path: '/t/opus-48k.opus' },
      ],
      tags: { title: 'T' },
      chaptersFile: '/t/c.ffmeta',
      oggChaptersFile: '/t/c-ogg.ffmeta',
      meters: [
        { name: 'output', truePeak: false },
        { name: 'tp0', truePeak: true, select: ['atrim=end=300.050'] },
      ],
      peaksPcmPath: '/t/peaks.pcm',
    });
    assert.equal(
      inv.filterComplex,
      '[0:a:0]aformat=channel_layouts=stereo,volume=3.00dB,asplit=5[o0][o1][m0][m1][f0];' +
        '[m0]ebur128@output=framelog=verbose[metered0];' +
        '[m1]atrim=end=300.050,ebur128@tp0=peak=true:framelog=verbose[metered1];' +
        '[o0]volume=0.45dB[t0]',
    );
    assert.deepEqual(inv.extraInputs, [
      { path: '/t/c.ffmeta', format: 'ffmetadata' },
      { path: '/t/c-ogg.ffmeta', format: 'ffmetadata' },
    ]);
    assert.deepEqual(
      inv.outputs.map((o) => [o.path, o.options.slice(0, 6)]),
      [
        ['/t/mp3-128k.mp3', ['-map', '[t0]', '-map_metadata', '1', '-map_chapters', '1']],
        ['/t/opus-48k.opus', ['-map', '[o1]', '-map_metadata', '2', '-map_chapters', '2']],
        ['-', ['-map', '[metered0]', '-f', 'null']],
        ['-', ['-map', '[metered1]', '-f', 'null']],
        ['/t/peaks.pcm', ['-map', '[f0]', '-ac', '1', '-ar', '8000']],
      ],
    );
  });

  it('splits the true-peak meter by time, overlapping, over the processes', () => {
    assert.deepEqual(meterSpans(600, 1), [[]]);
    assert.deepEqual(meterSpans(600, 2), [['atrim=end=300.050'], ['atrim=start=299.950']]);
    assert.deepEqual(meterSpans(90, 3), [
      ['atrim=end=30.050'],
      ['atrim=start=29.950:end=60.050'],
      ['atrim=start=59.950'],
    ]);
  });

  it('an analysing pass measures the whole, a span and a sample, and writes the sample', () => {
    const inv = analysisInvocation(
      '/in.mp3',
      ['asetpts=N/SR/TB', 'aformat=channel_layouts=stereo'],
      [
        { name: 'tp1', truePeak: true, select: ['atrim=start=299.950'] },
        { name: 'sample', truePeak: false, select: ["aselect='lt(mod(t,60),6)'"] },
      ],
      [{ path: '/t/s.wav', select: ["aselect='lt(mod(t,60),6)'"], options: ['-f', 'wav'] }],
    );
    assert.equal(
      inv.filterComplex,
      '[0:a:0]asetpts=N/SR/TB,aformat=channel_layouts=stereo,asplit=3[m0][m1][f0];' +
        '[m0]atrim=start=299.950,ebur128@tp1=peak=true:framelog=verbose[metered0];' +
        "[m1]aselect='lt(mod(t,60),6)',ebur128@sample=framelog=verbose[metered1];" +
        "[f0]aselect='lt(mod(t,60),6)'[file0]",
    );
    assert.deepEqual(inv.outputs, [
      { path: '-', options: ['-map', '[metered0]', '-f', 'null'] },
      { path: '-', options: ['-map', '[metered1]', '-f', 'null'] },
      { path: '/t/s.wav', options: ['-map', '[file0]', '-f', 'wav'] },
    ]);
    assert.equal(
      analysisInvocation('/in.wav', [], [{ name: 'probe', truePeak: false }]).filterComplex,
      '[0:a:0]anull,anull[m0];[m0]ebur128@probe=framelog=verbose[metered0]',
    );
  });

  it('reads each named meter’s summary, and takes the highest true peak of the spans', () => {
    const collector = namedSummariesCollector();
    const block = (name: string, i: number, peak: string) => [
      `[ebur128@${name} @ 0x55] Summary:`,
      '',
      '  Integrated loudness:',
      `    I:         ${i} LUFS`,
      '    Threshold: -30.0 LUFS',
      '',
      '  Loudness range:',
      '    LRA:         5.0 LU',
      '',
      '  True peak:',
      `    Peak:       ${peak} dBFS`,
    ];
    for (const line of [
      ...block('output', -16.2, '-inf'),
      'size=N/A time=00:10:00.00 bitrate=N/A speed= 30x',
      ...block('tp0', -15.9, '-2.5'),
      ...block('tp1', -16.4, '-2.1'),
    ]) {
      collector.onLine(line);
    }
    const loud = collector.result('output')!;
    assert.equal(loud.integrated, -16.2);
    assert.equal(collector.result('missing'), null);
    assert.deepEqual(withTruePeak(loud, [collector.result('tp0'), collector.result('tp1')]), {
      integrated: -16.2,
      lra: 5,
      truePeak: -2.1,
      threshold: -30,
    });
  });

  it('a measuring pass writes nothing', () => {
    assert.deepEqual(measureInvocation('/in.flac', ['aformat=channel_layouts=mono'], false), {
      input: '/in.flac',
      filterComplex: '[0:a:0]aformat=channel_layouts=mono,ebur128=framelog=verbose[metered]',
      outputs: [{ path: '-', options: ['-map', '[metered]', '-f', 'null'] }],
    });
  });

  it('the input pass times the audio by its samples and stops a second past the limit', () => {
    assert.deepEqual(decodeGuardFilters(60), ['asetpts=N/SR/TB', 'atrim=end=61']);
    assert.deepEqual(decodeGuardFilters(undefined), ['asetpts=N/SR/TB']);
    assert.equal(
      measureInvocation(
        '/in.mp3',
        [...decodeGuardFilters(60), 'aformat=channel_layouts=stereo'],
        true,
      ).filterComplex,
      '[0:a:0]asetpts=N/SR/TB,atrim=end=61,aformat=channel_layouts=stereo,ebur128=peak=true:framelog=verbose[metered]',
    );
  });

  it('reads the decoded length from the last progress line and counts decode errors', () => {
    const collector = decodedAudioCollector();
    for (const line of [
      '[mp3 @ 0x1] filesize and duration do not match (growing file?)',
      'size=N/A time=00:00:00.00 bitrate=N/A speed=N/A    ',
      '[mp3float @ 0x2] Header missing',
      'Error while decoding stream #0:0: Invalid data found when processing input',
      'size=N/A time=00:01:01.00 bitrate=N/A speed= 339x    ',
      'video:0kB audio:5254kB subtitle:0kB other streams:0kB global headers:0kB muxing overhead: unknown',
    ]) {
      collector.onLine(line);
    }
    assert.deepEqual(collector.result(), {
      seconds: 61,
      decodeErrors: 1,
      errorLines: ['Error while decoding stream #0:0: Invalid data found when processing input'],
    });
    // Nothing decoded: a tag that reads like progress is not taken for it.
    const nothing = decodedAudioCollector();
    nothing.onLine('    comment         : recorded at time=01:02:03.00');
    nothing.onLine('size=N/A time=N/A bitrate=N/A speed=N/A    ');
    assert.deepEqual(nothing.result(), { seconds: 0, decodeErrors: 0, errorLines: [] });
  });
});

describe('loudness', () => {
  const SUMMARY = [
    '[Parsed_ebur128_0 @ 0x1] Summary:',
    '',
    '  Integrated loudness:',
    '    I:         -70.0 LUFS',
    '    Threshold:   0.0 LUFS',
    '',
    '  Loudness range:',
    '    LRA:         0.0 LU',
    '    Threshold:   0.0 LUFS',
    '    LRA low:     0.0 LUFS',
    '    LRA high:    0.0 LUFS',
    '',
    '  True peak:',
    '    Peak:       -inf dBFS',
    'size=N/A time=00:00:09.30 bitrate=N/A speed= 412x',
    '[Parsed_ebur128_0 @ 0x2] Summary:',
    '',
    '  Integrated loudness:',
    '    I:         -22.6 LUFS',
    '    Threshold: -32.8 LUFS',
    '',
    '  Loudness range:',
    '    LRA:         5.4 LU',
    '    Threshold: -42.9 LUFS',
    '    LRA low:   -25.5 LUFS',
    '    LRA high:  -20.1 LUFS',
    '',
    '  True peak:',
    '    Peak:       -3.9 dBFS',
  ];

  it('parses the last ebur128 summary (ffmpeg may print an empty first one)', () => {
    assert.deepEqual(parseEbur128Summary(SUMMARY), {
      integrated: -22.6,
      lra: 5.4,
      truePeak: -3.9,
      threshold: -32.8,
    });
    assert.deepEqual(parseEbur128Summary(SUMMARY.slice(0, 14)), {
      integrated: -70,
      lra: 0,
      truePeak: -Infinity,
      threshold: 0,
    });
    assert.equal(parseEbur128Summary(['size=N/A time=00:00:01.00']), null);
  });

  const target: LoudnessTarget = { integrated: -16, truePeak: -1 };
  const figures = (integrated: number, truePeak: number, lra = 5) => ({
    integrated,
    truePeak,
    lra,
    threshold: integrated - 10,
  });

  it('plans a linear gain when the peaks allow it (loudnorm’s linear mode)', () => {
    assert.deepEqual(planChain(figures(-10.6, -2.5), target, false), {
      mode: 'linear',
      leveled: false,
      limited: false,
      gainDb: -5.4,
      filters: ['volume=-5.40dB'],
    });
  });

  it('adds a limiter below the ceiling when the gain would push peaks over it', () => {
    const chain = planChain(figures(-30, -12), target, false);
    assert.equal(chain.mode, 'limited');
    assert.equal(chain.gainDb, 14);
    // Ceiling −1 dBTP − 0.5 dB for the encoders − 0.5 dB for inter-sample peaks = −2 dBFS.
    assert.deepEqual(chain.filters, [
      'volume=14.00dB',
      'alimiter=limit=0.79433:attack=5:release=50:level=0:latency=1',
    ]);
  });

  it('the safety net’s limiter works on true peaks: 4x oversampled, back to the rate', () => {
    const chain = planChain(figures(-30, -12), target, false, 0, {
      ...PLAN_DEFAULTS,
      oversampledLimiterRate: 44100,
    });
    assert.deepEqual(chain.filters, [
      'volume=14.00dB',
      'aresample=176400',
      'alimiter=limit=0.79433:attack=5:release=50:level=0:latency=1',
      'aresample=44100',
    ]);
  });

  it('levels first when the range is wide, and applies a correction', () => {
    const chain = planChain(figures(-18.6, -0.9, 12.1), target, true, 0.7);
    assert.equal(chain.mode, 'leveled');
    assert.equal(chain.gainDb, 3.3);
    assert.match(chain.filters[0]!, /^dynaudnorm=/);
  });

  it('targets −16 LUFS stereo and −19 mono by default', () => {
    assert.deepEqual(targetFor(2, -16, -1), { integrated: -16, truePeak: -1 });
    assert.deepEqual(targetFor(1, -16, -1), { integrated: -19, truePeak: -1 });
  });

  it('corrects the gain by secant steps, bounded to what a limiter lets through', () => {
    assert.equal(nextCorrection([{ correction: 0, integrated: -16.6 }], 0.6), 0.6);
    // Second point: 0.6 dB more gain gave 0.3 LU → slope 0.5 → the 0.3 LU left needs 0.6 dB more.
    assert.equal(
      nextCorrection(
        [
          { correction: 0, integrated: -16.6 },
          { correction: 0.6, integrated: -16.3 },
        ],
        0.3,
      ),
      1.2,
    );
  });
});

describe('chapters', () => {
  it('validates Podcasting 2.0 JSON chapters', () => {
    assert.ok(
      chaptersSchema.safeParse({ version: '1.2.0', chapters: [{ startTime: 0, title: 'A' }] })
        .success,
    );
    const bad = chaptersSchema.safeParse({
      version: 'x',
      chapters: [{ startTime: 3, endTime: 2 }, { startTime: 1 }],
    });
    assert.ok(!bad.success);
    assert.deepEqual(bad.error.issues.map((i) => i.path.join('.')).sort(), [
      'chapters.0.endTime',
      'chapters.1.startTime',
      'version',
    ]);
  });

  it('turns start times into spans clipped to the audio, as escaped FFMETADATA1', () => {
    const spans = chapterSpans(
      [
        { startTime: 0, title: 'Intro = début; #1' },
        { startTime: 2.5 },
        { startTime: 99, title: 'past the end' },
      ],
      6,
    );
    assert.deepEqual(spans, [
      { startMs: 0, endMs: 2500, title: 'Intro = début; #1' },
      { startMs: 2500, endMs: 6000, title: 'Chapitre 2' },
    ]);
    assert.equal(
      ffmetadataFor(spans),
      ';FFMETADATA1\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND=2500\ntitle=Intro \\= début\\; \\#1\n' +
        '[CHAPTER]\nTIMEBASE=1/1000\nSTART=2500\nEND=6000\ntitle=Chapitre 2\n',
    );
    assert.deepEqual(
      oggChapterSpans(spans).map((s) => s.startMs),
      [0, 1500],
    );
  });

  it('accepts only ladders that start with exactly one MP3', () => {
    assert.ok(ladderSchema.safeParse(['mp3-128k', 'aac-128k', 'opus-48k']).success);
    assert.ok(!ladderSchema.safeParse(['aac-128k', 'mp3-128k']).success);
    assert.ok(!ladderSchema.safeParse(['mp3-128k', 'mp3-64k-mono']).success);
    assert.ok(!ladderSchema.safeParse(['mp3-128k', 'mp3-128k']).success);
  });
});

describe('processing settings', () => {
  const show = {
    audio: { loudnessTargetLufs: -18, truePeakDbtp: null, renditionProfiles: ['mp3-64k-mono'] },
  } as unknown as Show;
  const episode = (processingOptions: Episode['processingOptions']) =>
    ({ processingOptions }) as unknown as Episode;
  const DEFAULT = ['mp3-128k', 'aac-128k', 'opus-48k'];

  it('takes the reprocess request over the show over the defaults', () => {
    const fromShow = settingsFor(episode(null), show, DEFAULT);
    assert.deepEqual(
      fromShow.ladder.map((p) => p.name),
      ['mp3-64k-mono'],
    );
    // −18 is the stereo target: a mono ladder gets 3 LU less.
    assert.deepEqual(fromShow.target, { integrated: -21, truePeak: -1 });
    const fromRequest = settingsFor(
      episode({ renditionProfiles: DEFAULT, truePeakDbtp: -2 }),
      show,
      DEFAULT,
    );
    assert.deepEqual(
      fromRequest.ladder.map((p) => p.name),
      DEFAULT,
    );
    assert.deepEqual(fromRequest.target, { integrated: -18, truePeak: -2 });
    const defaults = settingsFor(episode(null), {} as Show, DEFAULT);
    assert.deepEqual(defaults.target, { integrated: -16, truePeak: -1 });
  });

  it('reads the revision from the job id', () => {
    assert.equal(revisionOf('process-audio-abc-r0'), 0);
    assert.equal(revisionOf('process-audio-abc-r12'), 12);
    assert.equal(revisionOf(undefined), null);
  });
});
