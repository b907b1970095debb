/** Upload sizes as people read them, in the page's language (issue 16). */
import assert from 'node:assert/strict';
import { formatByteSize, progressParts } from '../../studio/client/byte-sizes.js';
import { parseUploadMetadata } from '../../src/http/routes/uploads.js';

/** Intl's spaces (no-break, narrow no-break) as plain spaces, to compare with text. */
const plain = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');

describe('upload progress text', () => {
  it('says « 312 Mo sur 640 Mo » in French and "312 MB of 640 MB" in English', () => {
    const fr = progressParts('fr', 312_400_000, 640_000_000);
    assert.deepEqual(
      { done: plain(fr.done), total: plain(fr.total), percent: plain(fr.percent) },
      { done: '312 Mo', total: '640 Mo', percent: '48 %' },
    );
    const en = progressParts('en', 312_400_000, 640_000_000);
    assert.deepEqual(en, { done: '312 MB', total: '640 MB', percent: '48%' });
  });

  it('keeps both sides in the unit of the whole, and never shows 100 % before the end', () => {
    const p = progressParts('fr', 900_000, 1_500_000_000);
    assert.equal(plain(p.done), '0 Go');
    assert.equal(plain(p.total), '1,5 Go');
    assert.equal(plain(progressParts('fr', 1_499_999_999, 1_500_000_000).percent), '99 %');
    assert.equal(plain(progressParts('fr', 1_500_000_000, 1_500_000_000).percent), '100 %');
  });

  it('sizes a chosen file in the unit that fits it', () => {
    assert.equal(plain(formatByteSize('fr', 76_800_102)), '76,8 Mo');
    assert.equal(plain(formatByteSize('fr', 5_400)), '5,4 ko');
    assert.equal(plain(formatByteSize('fr', 512)), '512 o');
    assert.equal(formatByteSize('en', 2_345_000_000), '2.35 GB');
  });
});

describe('tus Upload-Metadata', () => {
  it('reads base64 values, keys without a value, and French file names', () => {
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    const m = parseUploadMetadata(
      `filename ${b64('Entretien « ministre ».wav')},filetype ${b64('audio/wav')},is_confidential`,
    );
    assert.equal(m.get('filename'), 'Entretien « ministre ».wav');
    assert.equal(m.get('filetype'), 'audio/wav');
    assert.equal(m.get('is_confidential'), '');
    assert.equal(parseUploadMetadata(undefined).size, 0);
  });
});
