/** The quality report's pure parts: thresholds, findings, and what the analysis reads of ffmpeg. */
import assert from 'node:assert/strict';
import {
  audioFindings,
  DEFAULT_QUALITY_SETTINGS,
  editorialFindings,
  effectiveQualitySettings,
  qualityReport,
  qualitySettingsSchema,
  type AudioAnalysis,
} from '../../src/core/quality.js';
import {
  analysisChains,
  analysisCollector,
  foldFilter,
  foldFor,
} from '../../src/media/analysis.js';
import { analysisInvocation } from '../../src/media/profiles.js';

const OPTIONS = { silenceThresholdDb: -50, minSilenceSeconds: 2, deadChannelDb: 20 };

const analysis = (over: Partial<AudioAnalysis> = {}): AudioAnalysis => ({
  version: 1,
  channels: 2,
  silenceThresholdDb: -50,
  minSilenceSeconds: 2,
  silences: [],
  nearFullScaleRatio: 0,
  channelRmsDb: [-22, -22],
  monoSumRmsDb: -22,
  folded: null,
  ...over,
});

describe('quality report (pure)', () => {
  const settings = DEFAULT_QUALITY_SETTINGS;

  it('reports dead air above the threshold only, with its place in time', () => {
    const findings = audioFindings(
      analysis({
        silences: [
          { start: 3, end: 6 },
          { start: 64.2, end: 84.9 },
        ],
      }),
      null,
      120,
      settings,
    );
    assert.deepEqual(
      findings.map((f) => [f.code, f.severity, f.at]),
      [['dead-air', 'blocking', { start: 64.2, end: 84.9 }]],
    );
    assert.match(findings[0]!.message, /20\.7 s of silence from 1:04 to 1:25/);
  });

  it('reports clipping, a fold, phase cancellation, a missed loudness and a short recording', () => {
    const codes = (a: AudioAnalysis | null, duration = 60, loudness = null as never) =>
      audioFindings(a, loudness, duration, settings).map((f) => f.code);
    assert.deepEqual(codes(analysis({ nearFullScaleRatio: 0.02 })), ['clipping']);
    assert.deepEqual(codes(analysis({ nearFullScaleRatio: 0.0005 })), [], 'under 0.1 %');
    assert.deepEqual(
      codes(analysis({ channelRmsDb: [-22, -90], folded: { kept: 'left', quieterByDb: 68 } })),
      ['dead-channel'],
      'a folded recording is not also phase-cancelled',
    );
    assert.deepEqual(codes(analysis({ monoSumRmsDb: -91 })), ['phase-cancelled']);
    assert.deepEqual(codes(analysis({ monoSumRmsDb: -25 })), [], 'uncorrelated stereo: −3 dB');
    assert.deepEqual(codes(null, 2), ['too-short']);
    const loud = {
      target: { integrated: -16, truePeak: -1 },
      output: { integrated: -18.2, truePeak: -3 },
    };
    assert.deepEqual(
      audioFindings(null, loud, 60, settings).map((f) => [f.code, f.severity]),
      [['loudness-missed', 'warning']],
    );
  });

  it('applies a show’s thresholds and severities over the defaults', () => {
    const parsed = qualitySettingsSchema.parse({
      deadAirSeconds: 30,
      severities: { 'dead-air': 'warning', clipping: 'off' },
    });
    const mine = effectiveQualitySettings(parsed);
    assert.equal(mine.deadAirSeconds, 30);
    assert.equal(mine.minDurationSeconds, DEFAULT_QUALITY_SETTINGS.minDurationSeconds);
    const a = analysis({ silences: [{ start: 0, end: 40 }], nearFullScaleRatio: 0.5 });
    const findings = audioFindings(a, null, 60, mine);
    assert.deepEqual(
      findings.map((f) => [f.code, f.severity]),
      [['dead-air', 'warning']],
    );
    assert.equal(qualityReport(findings, true).blocking, false);
    assert.equal(
      qualitySettingsSchema.safeParse({ severities: { 'dead-air': 'x' } }).success,
      false,
    );
    assert.equal(qualitySettingsSchema.safeParse({ unknown: 1 }).success, false);
  });

  it('reports missing artwork, an empty summary and Apple’s item rules', () => {
    const findings = editorialFindings(
      {
        summary: '<p> </p>',
        artwork: { kind: 'none' },
        appleItem: [
          { severity: 'error', message: '<title> is missing.' },
          { severity: 'warning', message: '<itunes:duration> is missing.' },
        ],
      },
      DEFAULT_QUALITY_SETTINGS,
    );
    assert.deepEqual(
      findings.map((f) => [f.code, f.severity]),
      [
        ['artwork-missing', 'warning'],
        ['summary-empty', 'warning'],
        ['apple-item', 'blocking'],
        ['apple-item', 'warning'],
      ],
    );
    const stored = editorialFindings(
      {
        summary: 'Un résumé',
        artwork: {
          kind: 'stored',
          problem: {
            message: 'it must be square.',
            reason: 'not-square',
            data: { width: 1400, height: 1000 },
          },
        },
        appleItem: [],
      },
      DEFAULT_QUALITY_SETTINGS,
    );
    assert.deepEqual(
      stored.map((f) => f.code),
      ['artwork-invalid'],
    );
  });
});

describe('quality analysis (ffmpeg graph and output)', () => {
  it('taps the original before the layout conversion, in the same decode as the meters', () => {
    const invocation = analysisInvocation(
      'in.wav',
      ['asetpts=N/SR/TB', 'aformat=channel_layouts=mono'],
      [{ name: 'input', truePeak: true }],
      [],
      { after: 1, chains: (label) => analysisChains(label, 2, OPTIONS) },
    );
    const graph = invocation.filterComplex!.split(';');
    assert.equal(graph[0], '[0:a:0]asetpts=N/SR/TB,asplit=2[main][raw]');
    assert.match(graph[1]!, /^\[main\]aformat=channel_layouts=mono,anull\[m0\]$/);
    assert.ok(graph.includes('[raws]silencedetect=n=-50dB:d=2,anullsink'));
    assert.ok(graph.includes('[rawm]pan=mono|c0=0.5*c0+0.5*c1,volumedetect@qsum,anullsink'));
    assert.deepEqual(analysisChains('raw', 1, OPTIONS), [
      '[raw]asplit=2[raws][rawv]',
      '[raws]silencedetect=n=-50dB:d=2,anullsink',
      '[rawv]volumedetect@qall,anullsink',
    ]);
  });

  it('reads silences and levels from stderr, the empty first summary ignored', () => {
    const c = analysisCollector();
    for (const line of [
      '[volumedetect@qleft @ 0x1] n_samples: 0',
      '[silencedetect @ 0x2] silence_start: 12.5',
      '[silencedetect @ 0x2] silence_end: 33.25 | silence_duration: 20.75',
      '[silencedetect @ 0x2] silence_start: 40',
      '[volumedetect@qleft @ 0x3] n_samples: 1000',
      '[volumedetect@qleft @ 0x3] mean_volume: -22.6 dB',
      '[volumedetect@qleft @ 0x3] histogram_0db: 30',
      '[volumedetect@qright @ 0x4] n_samples: 1000',
      '[volumedetect@qright @ 0x4] mean_volume: -91.0 dB',
      '[volumedetect@qsum @ 0x5] n_samples: 1000',
      '[volumedetect@qsum @ 0x5] mean_volume: -28.6 dB',
    ])
      c.onLine(line);
    const result = c.result(2, OPTIONS, 45)!;
    assert.deepEqual(result.silences, [
      { start: 12.5, end: 33.25 },
      { start: 40, end: 45 },
    ]);
    assert.equal(result.nearFullScaleRatio, 30 / 2000);
    assert.deepEqual(result.channelRmsDb, [-22.6, -91]);
    assert.deepEqual(result.folded, { kept: 'left', quieterByDb: 68.4 });
    assert.equal(analysisCollector().result(2, OPTIONS, 1), null, 'nothing printed');
  });

  it('folds to the live channel only when the other is far quieter', () => {
    assert.equal(foldFor([-22, -30], 20), null);
    assert.deepEqual(foldFor([-95, -20], 20), { kept: 'right', quieterByDb: 75 });
    assert.equal(foldFor([-120, -120], 20), null, 'both dead: a silent recording');
    assert.equal(foldFilter('right', 2), 'pan=stereo|c0=c1|c1=c1');
    assert.equal(foldFilter('left', 1), 'pan=mono|c0=c0');
  });
});
