import assert from 'node:assert/strict';
import { extractArticle } from '../../studio/prefill/extract.js';
import { isPublicAddress } from '../../studio/prefill/fetch-page.js';

describe('prefill: address ranges', () => {
  it('refuses loopback, private, link-local, unique-local, CGNAT and mapped addresses', () => {
    for (const a of [
      '127.0.0.1',
      '10.1.2.3',
      '172.16.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '::1',
      'fd00::1',
      'fe80::1',
      '::ffff:127.0.0.1',
      '::ffff:169.254.169.254',
      'not an ip',
    ]) {
      assert.equal(isPublicAddress(a), false, a);
    }
  });
  it('accepts public unicast addresses', () => {
    for (const a of ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946', '::ffff:8.8.8.8']) {
      assert.equal(isPublicAddress(a), true, a);
    }
  });
});

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
