/** Pure checks of what editors send for feeds: state machine, categories, transcripts, chapters (artwork: test/integration/artwork.test.ts). */
import assert from 'node:assert/strict';
import { APPLE_CATEGORIES, appleCategoryProblem } from '../../src/core/apple-categories.js';
import {
  canTransition,
  EPISODE_STATES,
  FEED_STATES,
  publicationTarget,
} from '../../src/core/episode-state.js';
import { chaptersSchema } from '../../src/core/chapters.js';
import { episodePatchSchema, sentKeysOnly } from '../../src/core/feed-schemas.js';
import { createShowSchema } from '../../src/core/schemas.js';
import { checkTranscript } from '../../src/core/transcripts.js';
import { SHOW_INPUT } from '../fixtures/editorial.js';

describe('publication states', () => {
  it('lists only published episodes in feeds', () => {
    assert.deepEqual(FEED_STATES, ['published']);
  });

  it('maps editor actions to states, only from states that allow them', () => {
    const table = Object.fromEntries(
      EPISODE_STATES.map((s) => [
        s,
        [
          publicationTarget(s, 'publish'),
          publicationTarget(s, 'schedule'),
          publicationTarget(s, 'unpublish'),
        ],
      ]),
    );
    assert.deepEqual(table, {
      uploaded: [null, null, null],
      processing: [null, null, null],
      ready: ['published', 'scheduled', null],
      scheduled: ['published', 'scheduled', 'unpublished'],
      published: [null, null, 'unpublished'],
      unpublished: ['published', 'scheduled', null],
      failed: [null, null, null],
    });
  });

  it('never lets a published episode be reprocessed behind the feed’s back', () => {
    assert.equal(canTransition('published', 'processing'), false);
    assert.equal(canTransition('scheduled', 'scheduled'), true);
  });
});

describe('Apple categories', () => {
  it('accepts Apple’s pairs and refuses others with a useful message', () => {
    assert.equal(appleCategoryProblem('News', 'Politics'), null);
    assert.equal(appleCategoryProblem('Technology', null), null);
    assert.equal(appleCategoryProblem('Society & Culture', 'Documentary'), null);
    assert.equal(appleCategoryProblem('Actualités', null)?.field, 'category');
    const sub = appleCategoryProblem('News', 'Football');
    assert.equal(sub?.field, 'subcategory');
    assert.match(sub.message, /Daily News/);
    assert.equal(Object.keys(APPLE_CATEGORIES).length, 19);
  });

  it('is checked when a show is created', () => {
    const bad = createShowSchema.safeParse({
      ...SHOW_INPUT,
      category: 'News',
      subcategory: 'Cooking',
    });
    assert.equal(bad.success, false);
    assert.deepEqual(
      bad.error?.issues.map((i) => i.path.join('.')),
      ['subcategory'],
    );
    assert.equal(createShowSchema.safeParse(SHOW_INPUT).success, true);
  });
});

describe('episode PATCH', () => {
  it('has no guid field and keeps only what was sent', () => {
    assert.equal(episodePatchSchema.safeParse({ guid: 'x' }).success, false);
    const body = { title: 'Nouveau « titre »', season: 3 };
    const parsed = sentKeysOnly(episodePatchSchema.parse(body), body);
    assert.deepEqual(parsed, body);
  });
});

describe('transcripts', () => {
  it('accepts WebVTT and SRT, recognised by content', () => {
    const vtt = checkTranscript(
      Buffer.from(
        '\uFEFFWEBVTT\n\nNOTE intro\n\n00:00.000 --> 00:04.000\n<v Marie>Bonjour « à tous »\n\n1\n00:00:04.000 --> 00:00:08.500 align:start\nSecrétaire d’État\n',
      ),
    );
    assert.deepEqual(vtt.ok && [vtt.format, vtt.cues], ['vtt', 2]);
    const srt = checkTranscript(
      Buffer.from(
        '1\r\n00:00:00,000 --> 00:00:04,000\r\nBonjour\r\n\r\n2\r\n00:00:04,000 --> 00:00:08,000\r\nÉtat\r\n',
      ),
    );
    assert.deepEqual(srt.ok && [srt.format, srt.cues], ['srt', 2]);
  });

  it('refuses what a player could not read, saying why', () => {
    const cases: [string | Buffer, RegExp][] = [
      ['', /empty/],
      ['Bonjour, ceci est du texte.', /Not WebVTT/],
      ['WEBVTT\n\n00:00.000 -> 00:04.000\nflèche cassée', /no cue timing/],
      ['WEBVTT\n\n00:05.000 --> 00:04.000\nà l’envers', /invalid timing/],
      ['1\n00:00:00.000 --> 00:00:04.000\nSRT avec un point', /SRT uses/],
      [Buffer.from([0xff, 0xfe, 0x00]), /UTF-8/],
      ['WEBVTT\n', /no cues/],
    ];
    for (const [input, message] of cases) {
      const check = checkTranscript(Buffer.isBuffer(input) ? input : Buffer.from(input));
      assert.equal(check.ok, false, String(input));
      assert.match(!check.ok ? check.problem : '', message);
    }
  });
});

describe('chapters (JSON chapters 1.2.0)', () => {
  it('accepts a valid document', () => {
    const doc = {
      version: '1.2.0',
      chapters: [
        { startTime: 0, title: 'Présentation' },
        {
          startTime: 65.5,
          title: 'La « fibre »',
          url: 'https://example.org/fibre',
          img: 'https://example.org/f.jpg',
        },
      ],
    };
    assert.equal(chaptersSchema.safeParse(doc).success, true);
  });

  it('names the offending fields', () => {
    const result = chaptersSchema.safeParse({
      version: '2.0',
      chapters: [{ startTime: 10 }, { startTime: 5, url: 'javascript:alert(1)' }],
    });
    assert.equal(result.success, false);
    const paths = result.error.issues.map((i) => i.path.join('.')).sort();
    // Every problem at once: the bad URL, the version and the order.
    assert.deepEqual(paths, ['chapters.1.startTime', 'chapters.1.url', 'version']);
    const order = chaptersSchema.safeParse({
      version: '1.2.0',
      chapters: [{ startTime: 10 }, { startTime: 5 }],
    });
    assert.deepEqual(
      order.error?.issues.map((i) => i.path.join('.')),
      ['chapters.1.startTime'],
    );
  });
});
