/**
 * The quality report in the editor's language, down to the parts that come from
 * other checks (Apple's item rules, the artwork), the thresholds form, and the
 * times of overrides left for the browser to show in the editor's zone.
 */
import assert from 'node:assert/strict';
import { checkArtwork } from '../../src/core/artwork.js';
import {
  DEFAULT_QUALITY_SETTINGS,
  editorialFindings,
  effectiveQualitySettings,
  type QualityFinding,
} from '../../src/core/quality.js';
import { checkFeed } from '../../src/feeds/check.js';
import { html, raw } from '../../src/http/html.js';
import { STUDIO_STRINGS } from '../../src/http/i18n/studio.js';
import { qualityBody } from '../../studio/client/quality-settings-body.js';
import { fillHtml } from '../../studio/pages/fill-html.js';
import { findingText, qualitySection } from '../../studio/pages/quality.js';
import { qualitySettingsSection } from '../../studio/pages/quality-settings.js';
import { image } from '../fixtures/images.js';
import fs from 'node:fs/promises';

const { fr, en } = STUDIO_STRINGS;
/** Words that give away an English sentence left in French text. */
const ENGLISH = /\b(the|is|are|must|missing|artwork|square|breaks|rules|episode|bytes|has|no)\b/i;

const feedWith = (item: string) =>
  `<?xml version="1.0"?><rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"><channel><title>T</title><description>D</description>${item}</channel></rss>`;

describe('quality report in the editor’s language', () => {
  it('names the feed check’s item rules, and words them in French and English', async () => {
    const long = 'é'.repeat(2100);
    const result = await checkFeed(
      feedWith(
        `<item><title></title><guid>g1</guid><description>${long}</description><pubDate>Mon, 01 Jan 2024 00:00:00 GMT</pubDate><enclosure url="https://x.test/a.mp3" type="audio/mpeg" length="12"/><itunes:explicit>maybe</itunes:explicit></item>`,
      ),
    );
    const items = result.problems.filter((p) => p.where.startsWith('item'));
    assert.deepEqual(
      items.map((p) => [p.rule, p.data]),
      [
        ['title-missing', undefined],
        ['description-too-long', { bytes: 4200, limit: 4000 }],
        ['duration-missing', undefined],
        ['explicit-invalid', { value: 'maybe' }],
      ],
    );
    const findings = editorialFindings(
      { summary: 'Un résumé', artwork: { kind: 'url' }, appleItem: items },
      DEFAULT_QUALITY_SETTINGS,
    );
    const french = findings.map((f) => findingText(fr, 'fr', f));
    for (const sentence of french) assert.doesNotMatch(sentence, ENGLISH, sentence);
    assert.match(
      french[1]!,
      /^Apple Podcasts : la description de l’épisode fait 4\u202f200 octets/,
    );
    assert.equal(
      findingText(en, 'en', findings[3]!),
      'Apple Podcasts: the explicit-content flag is “maybe”; it must be true or false.',
    );
    // The API keeps its English sentence.
    assert.equal(findings[0]!.message, 'Apple Podcasts: <title> is missing.');
  });

  it('words the artwork’s problem from its reason and size', async () => {
    const check = checkArtwork(await fs.readFile(await image(1500, 1000, 'png')));
    assert.equal(check.ok, false);
    assert.deepEqual(check.ok ? null : [check.reason, check.width, check.height], [
      'not-square',
      1500,
      1000,
    ]);
    const [finding] = editorialFindings(
      {
        summary: 'Un résumé',
        artwork: {
          kind: 'stored',
          problem: { message: 'x', reason: 'not-square', data: { width: 1500, height: 1000 } },
        },
        appleItem: [],
      },
      DEFAULT_QUALITY_SETTINGS,
    );
    const french = findingText(fr, 'fr', finding!).replace(/\u202f/g, ' ');
    assert.equal(
      french,
      'La pochette de l’émission ne respecte pas les règles d’Apple : elle mesure 1 500×1 000 pixels ; elle doit être carrée.',
    );
    assert.doesNotMatch(french, ENGLISH);
  });

  it('falls back to the API’s sentence for a rule it cannot word', () => {
    const f: QualityFinding = {
      code: 'apple-item',
      severity: 'blocking',
      message: 'Apple Podcasts: something new.',
      data: { rule: 'unknown', text: 'something new.' },
    };
    assert.equal(findingText(fr, 'fr', f), 'Apple Podcasts: something new.');
  });

  it('leaves the time of an override to the browser, and names the findings it overrode', () => {
    const section = qualitySection(fr, 'fr', { findings: [], blocking: false, analysed: true }, [
      {
        reason: 'Silence <voulu>',
        by: { kind: 'user', id: 'u1', name: 'Léa' },
        at: '2030-01-15T09:00:00.000Z',
        findings: ['dead-air', 'apple-item'],
      },
    ]).value;
    assert.ok(
      section.includes(
        '<li><time datetime="2030-01-15T09:00:00.000Z" data-local>2030-01-15T09:00:00.000Z</time>, Léa : « Silence &lt;voulu&gt; » (malgré : Blanc à l’antenne, Règles d’Apple pour l’épisode)</li>',
      ),
      section,
    );
  });
});

describe('fillHtml', () => {
  it('escapes the sentence and text values, and keeps markup values and unknown slots', () => {
    assert.equal(
      fillHtml('<b>{a}</b> {t} {missing}', { a: 'x & y', t: html`<time>1</time>` }).value,
      '&lt;b&gt;x &amp; y&lt;/b&gt; <time>1</time> {missing}',
    );
    assert.equal(fillHtml('{a}{a}', { a: raw('<i>') }).value, '<i><i>');
  });
});

describe('quality thresholds form', () => {
  it('sends only what differs from the defaults, and names the fields that are not numbers', () => {
    const fields = [
      { name: 'deadAirSeconds', value: '10', fallback: 10 },
      { name: 'clippingPercent', value: '0,5', fallback: 0.1 },
      { name: 'minDurationSeconds', value: '', fallback: 10 },
    ];
    const severities = [
      { code: 'dead-air', value: 'warning', fallback: 'blocking' },
      { code: 'clipping', value: 'warning', fallback: 'warning' },
    ];
    assert.deepEqual(qualityBody(fields, severities), {
      ok: true,
      body: { clippingPercent: 0.5, severities: { 'dead-air': 'warning' } },
    });
    assert.deepEqual(qualityBody(fields.slice(0, 1), severities.slice(1)), { ok: true, body: {} });
    assert.deepEqual(
      qualityBody(
        [
          { name: 'deadAirSeconds', value: '', badInput: true, fallback: 10 },
          { name: 'phaseCancelDb', value: 'dix', fallback: 10 },
        ],
        [],
      ),
      { ok: false, fields: ['deadAirSeconds', 'phaseCancelDb'] },
    );
  });

  it('shows every threshold and severity with its default, labelled once, in both languages', () => {
    for (const [t, lang] of [
      [fr, 'fr'],
      [en, 'en'],
    ] as const) {
      const form = qualitySettingsSection(
        t,
        lang,
        'politiques',
        effectiveQualitySettings({ deadAirSeconds: 20, severities: { clipping: 'off' } }),
      ).value;
      const labels = [...form.matchAll(/<label for="[^"]+">([^<]+)<\/label>/g)].map((m) => m[1]);
      assert.equal(labels.length, 17);
      assert.equal(new Set(labels).size, labels.length, labels.join(' | '));
      assert.match(form, /id="qs-deadAirSeconds"[^>]* type="number" value="20"/);
      assert.match(
        form,
        lang === 'fr'
          ? /Par défaut : 10 \(de 2 à 600\)<\/p>/
          : /Default: 10 \(from 2 to 600\)<\/p>/,
      );
      assert.match(form, /<option value="off" selected>(Désactivé|Off)<\/option>/);
      assert.match(
        form,
        lang === 'fr'
          ? /<option value="warning">Avertissement \(par défaut\)<\/option>/
          : /<option value="warning">Warning \(default\)<\/option>/,
      );
    }
    assert.match(
      qualitySettingsSection(fr, 'fr', 's', DEFAULT_QUALITY_SETTINGS).value,
      /Par défaut : 0,1 \(de 0 à 100\)</,
    );
  });
});
