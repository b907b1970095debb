import { execFile } from 'node:child_process';

/** The encoders of the rendition profiles (MP3 enclosure, AAC and Opus alternates). */
export const REQUIRED_ENCODERS = ['libmp3lame', 'aac', 'libopus'] as const;
export const MIN_FFMPEG_MAJOR = 5;

function run(bin: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(bin, args, { timeout: 15_000, maxBuffer: 8 * 1024 * 1024 }, (error, stdout) =>
      error ? reject(new Error(error.message, { cause: error })) : resolve(stdout),
    );
  });
}

/** "ffmpeg version 5.1.6-0+deb12u1 …" → 5; "ffmpeg version N-1234-g…" (git build) → Infinity. */
export function parseMajorVersion(versionOutput: string): number | null {
  const match = /version\s+n?(\d+)\.|version\s+(N-)/i.exec(versionOutput);
  if (!match) return null;
  return match[2] ? Number.POSITIVE_INFINITY : Number(match[1]);
}

/** Encoder names from `ffmpeg -encoders`. */
export function parseEncoders(output: string): Set<string> {
  const names = new Set<string>();
  for (const line of output.split('\n')) {
    const match = /^\s[VAS.][F.][S.][X.][B.][D.]\s+(\S+)/.exec(line);
    if (match?.[1]) names.add(match[1]);
  }
  return names;
}

const INSTALL_HINT =
  'Install ffmpeg 5 or newer (Debian/Ubuntu: `apt-get install -y ffmpeg`; macOS: `brew install ffmpeg`), or point FFMPEG_PATH and FFPROBE_PATH at the binaries.';

/** Checks the binaries and encoders; returns one plain sentence per problem. */
export async function checkFfmpeg(options: {
  ffmpegPath: string;
  ffprobePath: string;
}): Promise<string[]> {
  const problems: string[] = [];
  let versionText: string;
  try {
    versionText = await run(options.ffmpegPath, ['-hide_banner', '-version']);
  } catch {
    return [`ffmpeg was not found at "${options.ffmpegPath}". ${INSTALL_HINT}`];
  }
  const major = parseMajorVersion(versionText);
  if (major !== null && major < MIN_FFMPEG_MAJOR) {
    problems.push(
      `ffmpeg ${major} is too old: Antenne needs ffmpeg ${MIN_FFMPEG_MAJOR} or newer. ${INSTALL_HINT}`,
    );
  }
  try {
    await run(options.ffprobePath, ['-hide_banner', '-version']);
  } catch {
    problems.push(`ffprobe was not found at "${options.ffprobePath}". ${INSTALL_HINT}`);
  }
  const encoders = parseEncoders(await run(options.ffmpegPath, ['-hide_banner', '-encoders']));
  const missing = REQUIRED_ENCODERS.filter((e) => !encoders.has(e));
  if (missing.length > 0) {
    problems.push(
      `ffmpeg lacks the encoder(s) ${missing.join(', ')}: install a full ffmpeg build. ${INSTALL_HINT}`,
    );
  }
  return problems;
}
