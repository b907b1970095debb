import assert from 'node:assert/strict';
import { checkTranscript, parseCues } from '../../src/core/transcripts.js';

describe('transcript cues for the player', () => {
  it('reads WebVTT cues with voices, tags and entities', () => {
    const vtt = [
      '\uFEFFWEBVTT',
      '',
      'NOTE relu par la rédaction',
      '',
      'intro',
      '00:00.500 --> 00:04.000 align:start',
      '<v.host Journaliste>Bonjour, <i>madame</i> la secrétaire d’État &amp; merci.',
      '',
      '01:00:04.000 --> 01:00:09.250',
      '<v Mounir Mahjoubi>« Oui »,',
      'et c’est une bonne nouvelle.',
    ].join('\r\n');
    assert.equal(checkTranscript(Buffer.from(vtt)).ok, true);
    assert.deepEqual(parseCues(vtt), [
      {
        start: 0.5,
        end: 4,
        text: 'Bonjour, madame la secrétaire d’État & merci.',
        speaker: 'Journaliste',
      },
      {
        start: 3604,
        end: 3609.25,
        text: '« Oui », et c’est une bonne nouvelle.',
        speaker: 'Mounir Mahjoubi',
      },
    ]);
  });

  it('reads SRT cues', () => {
    const srt =
      '1\n00:00:01,000 --> 00:00:02,500\nPremière phrase.\n\n2\n00:00:03,000 --> 00:00:04,000\nSeconde <b>phrase</b>.\n';
    assert.deepEqual(parseCues(srt), [
      { start: 1, end: 2.5, text: 'Première phrase.' },
      { start: 3, end: 4, text: 'Seconde phrase.' },
    ]);
  });
});
