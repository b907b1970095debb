import assert from 'node:assert/strict';
import {
  correctionHeading,
  cutCorrectionSchema,
  cutProblems,
  formatTime,
  keptSegments,
  parseTime,
  rangeFate,
} from '../../src/core/corrections.js';
import { cutFilterGraph } from '../../src/media/cut.js';
import { STUDIO_STRINGS } from '../../src/http/i18n/studio.js';
import { correctionsSection } from '../../studio/pages/corrections.js';

describe('corrections: times, cuts, what becomes of a range', () => {
  it('reads seconds, mm:ss and hh:mm:ss and refuses the rest', () => {
    assert.equal(parseTime(754.5), 754.5);
    assert.equal(parseTime('754'), 754);
    assert.equal(parseTime('12:04'), 724);
    assert.equal(parseTime('12:04.5'), 724.5);
    assert.equal(parseTime('1:02:03'), 3723);
    assert.equal(parseTime('1:75'), null);
    assert.equal(parseTime('1:60:00'), null);
    assert.equal(parseTime('-3'), null);
    assert.equal(parseTime('douze'), null);
    assert.equal(formatTime(724.5), '12:04.5');
    assert.equal(formatTime(3723), '1:02:03');
  });

  it('names each bad range: end before start, overlaps, unknown fields', () => {
    const bad = cutCorrectionSchema.safeParse({
      cuts: [
        { start: '0:10', end: '0:05' },
        { start: 20, end: 30 },
        { start: '0:25', end: '0:40' },
      ],
      reason: 'x',
      note: 'y',
    });
    assert.equal(bad.success, false);
    const issues = bad.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    assert.ok(issues.includes('cuts.0.end: must be after start'), issues.join('; '));
    assert.ok(
      issues.some((i) => i.startsWith('cuts.2.start: overlaps range 2')),
      issues.join('; '),
    );
    const missing = cutCorrectionSchema.safeParse({ cuts: [{ start: 1, end: 2 }] });
    assert.deepEqual(missing.error!.issues.map((i) => i.path.join('.')).sort(), ['note', 'reason']);
    const ok = cutCorrectionSchema.parse({
      cuts: [{ start: '12:04', end: '12:19' }],
      reason: 'Citation erronée',
      note: 'Un passage « erroné » a été retiré.',
    });
    assert.deepEqual(ok.cuts, [{ start: 724, end: 739 }]);
  });

  it('checks ranges against the audio and keeps what is not cut', () => {
    assert.deepEqual(cutProblems([{ start: 5, end: 12 }], 10), [
      { field: 'cuts.0.end', message: "must be at most the audio's duration (0:10)" },
    ]);
    assert.equal(cutProblems([{ start: 10, end: 11 }], 10)[0]!.field, 'cuts.0.start');
    assert.equal(
      cutProblems([{ start: 0, end: 9.5 }], 10)[0]!.message,
      'would remove the whole recording',
    );
    assert.deepEqual(cutProblems([{ start: 2, end: 10.02 }], 10), []);
    assert.deepEqual(
      keptSegments(
        [
          { start: 6, end: 8 },
          { start: 1, end: 2 },
        ],
        10,
      ),
      [
        { start: 0, end: 1 },
        { start: 2, end: 6 },
        { start: 8, end: 10 },
      ],
    );
    assert.deepEqual(keptSegments([{ start: 0, end: 3 }], 10), [{ start: 3, end: 10 }]);
  });

  it('moves a range after a cut, flags one the cut went through, leaves one before', () => {
    const cuts = [{ start: 10, end: 15 }];
    assert.deepEqual(rangeFate({ start: 2, end: 8 }, cuts), { kind: 'unchanged' });
    assert.deepEqual(rangeFate({ start: 20, end: 30 }, cuts), {
      kind: 'shifted',
      start: 15,
      end: 25,
    });
    assert.deepEqual(rangeFate({ start: 12, end: 30 }, cuts), { kind: 'cut' });
    assert.deepEqual(rangeFate({ start: 5, end: 11 }, cuts), { kind: 'cut' });
    assert.deepEqual(rangeFate({ start: 5, end: 10 }, cuts), { kind: 'unchanged' });
  });

  it('builds one trimmed branch per kept range, faded at the joints, concatenated', () => {
    assert.equal(
      cutFilterGraph([
        { start: 0, end: 2 },
        { start: 5, end: 9 },
      ]),
      '[0:a:0]asplit=2[a0][a1];' +
        '[a0]atrim=start=0.000:end=2.000,asetpts=PTS-STARTPTS,afade=t=out:st=1.990:d=0.010[k0];' +
        '[a1]atrim=start=5.000,asetpts=PTS-STARTPTS,afade=t=in:st=0:d=0.010[k1];' +
        '[k0][k1]concat=n=2:v=0:a=1[out]',
    );
  });

  it('dates the public note in the episode’s language', () => {
    assert.equal(correctionHeading('2024-05-02T23:30:00Z', 'fr'), 'Rectificatif du 2 mai 2024');
    assert.equal(correctionHeading('2024-05-02T23:30:00Z', 'en'), 'Correction of 2 May 2024');
  });

  it('shows the form and the history in the studio, in French and English, with named controls', () => {
    const versions = [
      {
        number: 2,
        kind: 'cut',
        state: 'live',
        reason: 'Citation « inexacte »',
        note: 'Un passage a été retiré.',
        cuts: [{ start: 724, end: 739 }],
        createdBy: 'Ana',
        createdAt: '2024-05-02T10:00:00.000Z',
        completedAt: '2024-05-02T10:01:00.000Z',
        durationSeconds: 1200.4,
        loudness: { integrated: -16.04, truePeak: -1.5 },
        failureReason: null,
      },
    ];
    for (const lang of ['fr', 'en'] as const) {
      const t = STUDIO_STRINGS[lang];
      const page = correctionsSection(t, lang, 'ep1', versions).value;
      for (const [id, name] of [
        ['correction-cuts', t.correctionCuts],
        ['correction-audio', t.correctionAudio],
        ['correction-reason', t.correctionReason],
        ['correction-note', t.correctionNote],
      ] as const) {
        assert.ok(page.includes(`<label for="${id}">${name}</label>`), `${lang}: ${id}`);
      }
      assert.ok(page.includes('aria-labelledby="versions-heading"'));
      assert.ok(page.includes('12:04–12:19'));
      assert.ok(page.includes('Citation « inexacte »'));
      assert.ok(page.includes(lang === 'fr' ? '-16 LUFS, -1,5 dBTP' : '-16 LUFS, -1.5 dBTP'));
    }
    assert.ok(
      correctionsSection(STUDIO_STRINGS.fr, 'fr', 'ep1', versions).value.includes(
        'Passages coupés',
      ),
    );
  });
});
