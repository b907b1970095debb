import assert from 'node:assert/strict';
import { createShowSchema, episodeMetadataSchema, fieldErrors } from '../../src/core/schemas.js';
import { podcastGuidFor } from '../../src/services/shows.js';

describe('request schemas', () => {
  const base = { title: 'Entretien « exclusif »', articleUrl: 'https://example.org/a' };

  it('reads lists from repeated fields, one field, or a JSON array', () => {
    const repeated = episodeMetadataSchema.parse({
      ...base,
      categories: ['Événements', 'Numérique'],
    });
    assert.deepEqual(repeated.categories, ['Événements', 'Numérique']);
    assert.deepEqual(
      episodeMetadataSchema.parse({ ...base, categories: 'Événements' }).categories,
      ['Événements'],
    );
    assert.deepEqual(episodeMetadataSchema.parse({ ...base, categories: '["A","B"]' }).categories, [
      'A',
      'B',
    ]);
    assert.deepEqual(episodeMetadataSchema.parse(base).categories, []);
  });

  it('reads interviewees as names or {name, role}', () => {
    const parsed = episodeMetadataSchema.parse({
      ...base,
      interviewees: '[{"name":"Mounir Mahjoubi","role":"secrétaire d’État"},"Hervé Morin"]',
    });
    assert.deepEqual(parsed.interviewees, [
      { name: 'Mounir Mahjoubi', role: 'secrétaire d’État' },
      { name: 'Hervé Morin' },
    ]);
  });

  it('reads interviewees as one object, JSON object text, or "Name, role" lines', () => {
    const people = (interviewees: unknown) =>
      episodeMetadataSchema.parse({ ...base, interviewees }).interviewees;
    assert.deepEqual(people('{"name":"x"}'), [{ name: 'x' }]);
    assert.deepEqual(people({ name: 'Hervé Morin', role: 'président' }), [
      { name: 'Hervé Morin', role: 'président' },
    ]);
    assert.deepEqual(people(['{"name":"A","role":"r"}', 'Mounir Mahjoubi, secrétaire d’État']), [
      { name: 'A', role: 'r' },
      { name: 'Mounir Mahjoubi', role: 'secrétaire d’État' },
    ]);
    assert.deepEqual(people('Hervé Morin,'), [{ name: 'Hervé Morin' }]);
    assert.deepEqual(
      JSON.stringify(
        people([
          { name: 'A', role: null },
          { name: 'B', role: '' },
        ]),
      ),
      '[{"name":"A"},{"name":"B"}]',
    );
    for (const malformed of ['{"name":"x"', '[{"name":', '[x]']) {
      const result = episodeMetadataSchema.safeParse({ ...base, interviewees: malformed });
      assert.equal(result.success, false, malformed);
      assert.match(fieldErrors(result.error)[0]!.message, /is not valid JSON/);
    }
    // A category is free text: "[AUDIO]" stays one, an object is not a list.
    assert.deepEqual(episodeMetadataSchema.parse({ ...base, categories: '[AUDIO]' }).categories, [
      '[AUDIO]',
    ]);
    const object = episodeMetadataSchema.safeParse({ ...base, categories: { a: 'b' } });
    assert.deepEqual(
      fieldErrors(object.error!).map((e) => e.field),
      ['categories'],
    );
  });

  it('names each offending field', () => {
    const result = episodeMetadataSchema.safeParse({
      articleUrl: 'javascript:alert(1)',
      publishedAt: '31/05/2018',
    });
    assert.equal(result.success, false);
    const errors = fieldErrors(result.error);
    assert.deepEqual(errors.map((e) => e.field).sort(), ['articleUrl', 'publishedAt', 'title']);
    assert.equal(errors.find((e) => e.field === 'title')?.message, 'is required');
  });

  it('keeps show descriptions within Apple’s 4000 bytes, counted in UTF-8', () => {
    const show = {
      slug: 'a',
      title: 'T',
      author: 'A',
      owner: { name: 'O', email: 'o@example.org' },
      category: 'News',
      siteUrl: 'https://example.org',
    };
    assert.equal(
      createShowSchema.safeParse({ ...show, description: 'é'.repeat(2000) }).success,
      true,
    );
    assert.equal(
      createShowSchema.safeParse({ ...show, description: 'é'.repeat(2001) }).success,
      false,
    );
  });
});

describe('podcast:guid', () => {
  // Vectors from the Podcasting 2.0 namespace's guid tag documentation.
  it('is the UUIDv5 of the feed URL without scheme and trailing slashes', () => {
    assert.equal(
      podcastGuidFor('https://mp3s.nashownotes.com/pc20rss.xml'),
      '917393e3-1b1e-5cef-ace4-edaa54e1f810',
    );
    assert.equal(podcastGuidFor('podnews.net/rss////'), '9b024349-ccf0-5f69-a609-6b82873eab3c');
    assert.equal(podcastGuidFor('http://podnews.net/rss/'), '9b024349-ccf0-5f69-a609-6b82873eab3c');
  });
});
