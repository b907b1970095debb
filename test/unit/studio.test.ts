import assert from 'node:assert/strict';
import { pickLang, stateLabel, STRINGS } from '../../studio/i18n.js';
import { loudnessText } from '../../studio/pages-router.js';
import { formatDuration } from '../../studio/pages.js';

describe('studio: language, labels and figures', () => {
  it('takes the switch cookie first, then the first supported browser language', () => {
    assert.equal(pickLang('en', 'fr-FR,fr;q=0.9'), 'en');
    assert.equal(pickLang(undefined, 'de-DE,fr-CH;q=0.8,en;q=0.5'), 'fr');
    assert.equal(pickLang(undefined, 'de-DE'), 'en');
    assert.equal(pickLang('xx', undefined), 'en');
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
    assert.equal(loudnessText(null), null);
    assert.equal(
      loudnessText({ input: { integrated: -23.04, truePeak: -3.51 }, target: -16 }),
      'input integrated -23, input truePeak -3.5, target -16',
    );
  });
});
