import assert from 'node:assert/strict';
import { APPLE_CATEGORIES } from '../../src/core/apple-categories.js';
import {
  APPLE_CATEGORY_NAMES_FR,
  appleCategoryChoices,
  appleCategoryName,
} from '../../src/http/i18n/apple-categories.js';
import { STUDIO_STRINGS } from '../../src/http/i18n/studio.js';
import { appleCategorySelect, languageSelect } from '../../studio/pages/choices.js';
import { SLUG_PATTERN } from '../../studio/pages/shows.js';

const names = Object.entries(APPLE_CATEGORIES).flatMap(([c, subs]) => [c, ...subs]);

describe('studio: choices instead of free text', () => {
  it('names every Apple category and subcategory in French, each choice once', () => {
    assert.deepEqual(
      names.filter((n) => !Object.hasOwn(APPLE_CATEGORY_NAMES_FR, n)),
      [],
    );
    assert.deepEqual(
      Object.keys(APPLE_CATEGORY_NAMES_FR).filter((n) => !names.includes(n)),
      [],
      'no name Apple does not list',
    );
    for (const lang of ['fr', 'en'] as const) {
      const labels = appleCategoryChoices(lang).map((c) => c.label);
      assert.equal(new Set(labels).size, labels.length, lang);
      assert.equal(labels.length, names.length, lang);
    }
    assert.deepEqual(
      appleCategoryChoices('fr').find((c) => c.label === 'Actualités › Politique'),
      { category: 'News', subcategory: 'Politics', label: 'Actualités › Politique' },
    );
    assert.equal(appleCategoryName('en', 'Politics'), 'Politics');
  });

  it('selects the show’s category and subcategory, and keeps a value from elsewhere', () => {
    const page = appleCategorySelect(STUDIO_STRINGS.fr, 'fr', {
      category: 'News',
      subcategory: 'Politics',
    }).value;
    assert.match(
      page,
      /<option value="News" selected data-keywords="News Politics" data-subcategory="Politics">Actualités › Politique<\/option>/,
    );
    assert.equal(page.match(/ selected/g)?.length, 1);
    const odd = appleCategorySelect(STUDIO_STRINGS.fr, 'fr', {
      category: 'Old',
      subcategory: null,
    }).value;
    assert.match(odd, /<option value="Old" selected>Old<\/option>/);
  });

  it('names languages in the page’s language, keeping a tag that is not listed', () => {
    const fr = languageSelect(STUDIO_STRINGS.fr, 'fr', 'fr').value;
    assert.match(
      fr,
      /<option value="fr" selected data-keywords="French">français \(fr\)<\/option>/,
    );
    assert.match(fr, /<option value="en"[^>]*>anglais \(en\)<\/option>/);
    const en = languageSelect(STUDIO_STRINGS.en, 'en', 'fr-LU').value;
    assert.match(
      en,
      /<option value="fr-LU" selected[^>]*>French \(Luxembourg\) \(fr-LU\)<\/option>/,
    );
    const optional = languageSelect(STUDIO_STRINGS.fr, 'fr', null, { optional: true }).value;
    assert.match(optional, /<option value="" selected>Non précisée<\/option>/);
  });

  it('writes the slug pattern as browsers compile it (the v flag)', () => {
    // What a browser does with a pattern attribute: ^(?:…)$ with the v flag.
    const compiled = new RegExp(`^(?:${SLUG_PATTERN})$`, 'v');
    assert.ok(compiled.test('normandie-numerique-2'));
    assert.ok(!compiled.test('Pas Valide'));
    // The pattern the studio had: a syntax error there (so the browser skipped the check).
    const old = '[a-z0-9-]+';
    assert.throws(() => new RegExp(`^(?:${old})$`, 'v'), SyntaxError);
  });
});
