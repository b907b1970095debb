import assert from 'node:assert/strict';
import {
  chaptersToText,
  formatChapterTime,
  parseChaptersText,
} from '../../studio/chapters-text.js';
import express from 'express';
import { pickLang } from '../../src/http/i18n/lang.js';
import { stateLabel, STUDIO_STRINGS as STRINGS } from '../../src/http/i18n/studio.js';
import type { LoudnessReport } from '../../src/core/media-types.js';
import { loudnessSummary, loudnessTable } from '../../studio/pages/loudness.js';
import { formatDuration } from '../../studio/pages/shows.js';

const REPORT: LoudnessReport = {
  target: { integrated: -16, truePeak: -1 },
  input: { integrated: -23.04, lra: 8.26, truePeak: -3.51, threshold: -33.4 },
  output: { integrated: -16.02, lra: 7.9, truePeak: -1.21, threshold: -26.5 },
  mode: 'limited',
  gainDb: 7.02,
};

/** A request as express makes it, with only an Accept-Language header. */
const requestWith = (acceptLanguage: string | undefined) =>
  Object.assign(Object.create(express.request) as express.Request, {
    headers: acceptLanguage === undefined ? {} : { 'accept-language': acceptLanguage },
  });

describe('studio: language, labels and figures', () => {
  it('takes the switch cookie first, then the first supported browser language', () => {
    assert.equal(pickLang(requestWith('fr-FR,fr;q=0.9'), 'en'), 'en');
    assert.equal(pickLang(requestWith('de-DE,fr-CH;q=0.8,en;q=0.5'), undefined), 'fr');
    assert.equal(pickLang(requestWith('de-DE'), undefined), 'en');
    assert.equal(pickLang(requestWith(undefined), 'xx'), 'en');
  });
  it('has every string in both languages, and states in the editor’s words', () => {
    assert.deepEqual(Object.keys(STRINGS.fr).sort(), Object.keys(STRINGS.en).sort());
    assert.equal(stateLabel(STRINGS.fr, 'ready'), 'Prêt');
    assert.equal(stateLabel(STRINGS.en, 'failed'), 'Failed');
    assert.equal(stateLabel(STRINGS.fr, 'unknown-state'), 'unknown-state');
  });
  it('formats durations and loudness figures', () => {
    assert.equal(formatDuration(null), '—');
    assert.equal(formatDuration(125.4), '2:05');
    assert.equal(formatDuration(59.6), '1:00');
  });
  it('puts loudness before, after and target side by side, in the editor’s number format', () => {
    assert.equal(loudnessSummary('en', null), null);
    assert.equal(loudnessSummary('en', REPORT), '-23.0 → -16.0 LUFS');
    assert.match(loudnessSummary('fr', REPORT) ?? '', /^[-−]23,0 → [-−]16,0 LUFS$/);
    const html = loudnessTable(STRINGS.en, 'en', REPORT).value;
    const cells = (label: string) =>
      [
        ...(new RegExp(`<th scope="row">${label}</th>(.*?)</tr>`).exec(html)?.[1] ?? '').matchAll(
          /<td>(.*?)<\/td>/g,
        ),
      ].map((m) => m[1]);
    assert.deepEqual(cells('Integrated loudness'), ['-23.0 LUFS', '-16.0 LUFS', '-16.0 LUFS']);
    assert.deepEqual(cells('True peak'), ['-3.5 dBTP', '-1.2 dBTP', '≤ -1.0 dBTP']);
    assert.deepEqual(cells('Loudness range'), ['8.3 LU', '7.9 LU', '—']);
    assert.match(html, /Gain applied: \+7\.0 dB — gain, then a true-peak limiter/);
    // Rows processed before loudness was recorded show nothing rather than a broken table.
    assert.equal(loudnessTable(STRINGS.en, 'en', null).value, '');
  });
});

describe('studio: chapters typed one a line', () => {
  it('reads m:ss and h:mm:ss with an optional fraction, keeps the title as typed', () => {
    assert.deepEqual(parseChaptersText('0:00 Accueil\n\n4:30 La « fibre », enfin\n1:02:03.5 Fin'), {
      ok: true,
      chapters: [
        { startTime: 0, title: 'Accueil' },
        { startTime: 270, title: 'La « fibre », enfin' },
        { startTime: 3723.5, title: 'Fin' },
      ],
    });
  });
  it('names the lines that are not "time title"', () => {
    assert.deepEqual(parseChaptersText('0:00 A\n4:75 B\nsans heure\n1:60:00 C\n5:00'), {
      ok: false,
      badLines: [2, 3, 4, 5],
    });
  });
  it('writes stored chapters back the same way', () => {
    const text = chaptersToText([
      { startTime: 0, title: 'Accueil' },
      { startTime: 270.4, title: 'La « fibre »' },
      { startTime: 3723, title: 'Fin' },
    ]);
    assert.equal(text, '0:00 Accueil\n4:30 La « fibre »\n1:02:03 Fin');
    assert.equal(formatChapterTime(59.9), '0:59');
  });
});
