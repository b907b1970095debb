import assert from 'node:assert/strict';
import { extractArticle } from '../../src/services/prefill/extract.js';

describe('prefill: extraction', () => {
  it('keeps only an http(s) image and ignores a broken JSON-LD block', () => {
    const meta = extractArticle(
      `<html><head><script type="application/ld+json">{broken</script>
       <script type="application/ld+json">{"@type":"Article","headline":"Élan","image":"javascript:alert(1)",
       "keywords":"un, deux"}</script></head></html>`,
      'https://example.org/a',
    );
    assert.equal(meta.title, 'Élan');
    assert.equal(meta.imageUrl, null);
    assert.deepEqual(meta.categories, ['un', 'deux']);
  });
});
