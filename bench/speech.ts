/**
 * The benches' input: French speech from espeak-ng (two voices, pauses) looped to
 * the wanted length over a low pink-noise floor, made once per length and kept in
 * a cache directory under the system's temp dir.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const CACHE = path.join(os.tmpdir(), 'antenne-bench');

const SENTENCES = [
  'Bonjour madame la secrétaire d’État. La Normandie est-elle en train de devenir chef de file du numérique ?',
  'Oui, et je crois que c’est une très bonne nouvelle pour les entreprises de la région, à Caen comme à Rouen.',
  'Quelles sont les prochaines étapes pour la Team Normandie, et quand verra-t-on les premiers résultats ?',
  'Nous allons réunir les acteurs au printemps, avec les collectivités, les écoles et les start-up.',
];

export const ffmpeg = (args: string[]) =>
  run('ffmpeg', ['-nostdin', '-hide_banner', '-loglevel', 'error', '-y', ...args], {
    maxBuffer: 64 * 1024 * 1024,
  });

/** espeak-ng French (two voices, pauses), looped to `seconds`, low pink-noise floor, 44.1 kHz stereo s16. */
export async function makeSpeech(seconds: number): Promise<string> {
  await fs.mkdir(CACHE, { recursive: true });
  const out = path.join(CACHE, `speech-${seconds}s.wav`);
  if (existsSync(out)) return out;
  const parts: string[] = [];
  for (const [i, sentence] of SENTENCES.entries()) {
    const part = path.join(CACHE, `part-${i}.wav`);
    await run('espeak-ng', ['-v', i % 2 ? 'fr+f3' : 'fr', '-s', '160', '-w', part, sentence]);
    parts.push(part);
  }
  const segment = path.join(CACHE, 'segment.wav');
  const chains = parts.map(
    (_, i) => `[${i}:a]aresample=44100,volume=${i % 2 ? '-6dB' : '0dB'},apad=pad_dur=0.8[a${i}]`,
  );
  await ffmpeg([
    ...parts.flatMap((p) => ['-i', p]),
    '-filter_complex',
    `${chains.join(';')};${parts.map((_, i) => `[a${i}]`).join('')}concat=n=${parts.length}:v=0:a=1[s]`,
    '-map',
    '[s]',
    '-ac',
    '1',
    segment,
  ]);
  await ffmpeg([
    '-stream_loop',
    '-1',
    '-i',
    segment,
    '-f',
    'lavfi',
    '-i',
    `anoisesrc=color=pink:amplitude=0.003:sample_rate=44100:duration=${seconds}`,
    '-filter_complex',
    '[0:a]aresample=44100[s];[s][1:a]amix=inputs=2:duration=shortest:normalize=0',
    '-t',
    String(seconds),
    '-ac',
    '2',
    '-ar',
    '44100',
    '-c:a',
    'pcm_s16le',
    out,
  ]);
  return out;
}
