/**
 * The character rule (what text may hold, one rule for inputs and XML outputs)
 * and the boundary parser that applies it with the schemas: fields named in
 * the body, in the path, in the query.
 */
import assert from 'node:assert/strict';
import { z } from 'zod';
import { AppError } from '../../src/core/errors.js';
import { episodeMetadataSchema, slugSchema } from '../../src/core/schemas.js';
import { textProblem, textProblems, xmlSafeText } from '../../src/core/text-chars.js';
import { oembedXml } from '../../embed/oembed.js';
import { parseOr400, UnparsedBody } from '../../src/http/middleware/validate.js';
import { thrownBy } from '../helpers/thrown.js';

/** The AppError a call throws. */
const thrown = (fn: () => unknown): AppError => thrownBy(fn, AppError);

describe('text input: the character rule', () => {
  it('takes what XML 1.0 carries: French typography, emoji, tab and newlines', () => {
    for (const text of ['« chef de file » d’État', 'Café 😀 𝄞', 'a\tb\r\nc', '\u0085\u009f', '']) {
      assert.equal(textProblem(text), null, JSON.stringify(text));
      assert.equal(xmlSafeText(text), text);
    }
  });

  it('refuses NUL, lone surrogates, C0 controls and U+FFFE/U+FFFF, saying which and where', () => {
    assert.match(textProblem('ab\u0000')!, /NUL character \(U\+0000\) at position 3/);
    assert.match(textProblem('a\ud800')!, /unpaired surrogate, U\+D800\) at position 2/);
    assert.match(textProblem('\udc00')!, /U\+DC00/);
    assert.match(textProblem('😀\u000b')!, /control character \(U\+000B\) at position 2/);
    assert.match(textProblem('x\uffff')!, /U\+FFFF at position 2, which is not a character/);
    assert.match(textProblem('\ufffe')!, /U\+FFFE/);
  });

  it('drops from output what it refuses on input', () => {
    assert.equal(xmlSafeText('a\u0000b\u0001c\ud800d\ufffee😀\u0008'), 'abcde😀');
    const xml = oembedXml({ title: 'Titre\u0001 « x » & <y>\u000b' });
    assert.match(xml, /<title>Titre « x » &amp; &lt;y&gt;<\/title>/);
  });

  it('finds every bad string with its path, in arrays, objects and null-prototype records', () => {
    const fields = Object.assign(Object.create(null) as Record<string, unknown>, {
      title: 'ok',
      categories: ['a', 'b\u0000'],
    });
    assert.deepEqual(
      textProblems({ fields, people: [{ name: 'x', role: '\ud800' }], at: new Date(), n: 1 }).map(
        (p) => p.path.join('.'),
      ),
      ['fields.categories.1', 'people.0.role'],
    );
  });
});

describe('text input: parseOr400', () => {
  const base = { title: 'Entretien', articleUrl: 'https://example.org/a' };

  it('names the field holding a bad character, even when other fields are wrong too', () => {
    const error = thrown(() =>
      parseOr400(episodeMetadataSchema, { title: 'a\u0000', articleUrl: 'javascript:x' }),
    );
    assert.equal(error.status, 400);
    assert.deepEqual(
      error.errors?.map((e) => e.field),
      ['title', 'articleUrl'],
    );
    const [first] = error.errors ?? [];
    assert.match(first?.message ?? '', /NUL/);
    assert.equal(first?.in, undefined);
  });

  it('checks text that only appears once a form field’s JSON is parsed', () => {
    const error = thrown(() =>
      parseOr400(episodeMetadataSchema, {
        ...base,
        interviewees: '[{"name":"Mounir","role":"\\u0000"}]',
      }),
    );
    assert.deepEqual(error.errors?.[0]?.field, 'interviewees.0.role');
  });

  it('names path and query parameters as such', () => {
    const path = thrown(() => parseOr400(slugSchema, 'Bad Slug', 'path', ['slug']));
    assert.deepEqual(path.errors, [
      { field: 'slug', in: 'path', message: 'use 1–64 lowercase letters, digits and dashes' },
    ]);
    const query = thrown(() =>
      parseOr400(z.object({ url: z.string() }), { url: 'a\u0001' }, 'query'),
    );
    assert.equal(query.errors?.[0]?.field, 'url');
    assert.equal(query.errors?.[0]?.in, 'query');
  });

  it('answers 415 for a body in another type, 400 naming the body when it is missing', () => {
    const unparsed = thrown(() =>
      parseOr400(episodeMetadataSchema, new UnparsedBody('text/plain')),
    );
    assert.equal(unparsed.status, 415);
    assert.match(unparsed.detail!, /application\/json \(not text\/plain\)/);
    const missing = thrown(() => parseOr400(episodeMetadataSchema, undefined));
    assert.deepEqual(missing.errors, [
      { field: '(body)', message: 'is required: send a JSON object' },
    ]);
    // A schema that needs nothing takes no body.
    assert.deepEqual(parseOr400(z.object({ at: z.string().optional() }), undefined), {});
  });

  it('names each unknown field of a strict schema', () => {
    const error = thrown(() =>
      parseOr400(z.object({ a: z.string() }).strict(), { a: 'x', b: 1, c: 2 }),
    );
    assert.deepEqual(error.errors, [
      { field: 'b', message: 'is not a known field' },
      { field: 'c', message: 'is not a known field' },
    ]);
  });
});
