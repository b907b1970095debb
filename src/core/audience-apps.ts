/**
 * Who is listening, from the User-Agent of an audio request: a podcast app and
 * the device's platform, or a bot (crawlers, link previews, feed validators,
 * command-line tools). The app ids are part of the audience tables' contract:
 * the reports render display names from them. Pure: `isbot` is passed in, so
 * this module imports nothing.
 */

export const AUDIENCE_APPS = [
  'apple-podcasts',
  'spotify',
  'pocket-casts',
  'overcast',
  'antennapod',
  'podcast-addict',
  'castro',
  'gpodder',
  'antenne-player',
  'browser',
  'other',
] as const;
export type AudienceApp = (typeof AUDIENCE_APPS)[number];

export const AUDIENCE_PLATFORMS = [
  'ios',
  'android',
  'macos',
  'windows',
  'linux',
  'web',
  'other',
] as const;
export type AudiencePlatform = (typeof AUDIENCE_PLATFORMS)[number];

export type Listener =
  | { readonly kind: 'app'; readonly app: AudienceApp; readonly platform: AudiencePlatform }
  | { readonly kind: 'bot' };

/**
 * Agents that fetch audio without anyone listening: podcast apps' own crawlers,
 * feed validators, link previewers, downloaders. Checked first: some carry an
 * app's name ("Overcast/1.0 Podcast Sync").
 */
const NOT_LISTENING: readonly RegExp[] = [
  /podcast sync/i,
  /feed ?(parser|validator|fetcher|checker)/i,
  /validator/i,
  /crawler|spider|scraper|preview|embedly|iframely|unfurl/i,
  /^(curl|wget|httpie|aria2|python|go-http-client|java|okhttp|node-fetch|undici|axios|libwww|lavf)\b/i,
];

/**
 * Podcast apps, by a mark of their User-Agent (first match wins). Keep the
 * fixtures in test/unit/audience-apps.test.ts in step with this list.
 */
const APPS: readonly { readonly app: AudienceApp; readonly pattern: RegExp }[] = [
  { app: 'spotify', pattern: /^Spotify\//i },
  { app: 'pocket-casts', pattern: /Pocket ?Casts/i },
  { app: 'overcast', pattern: /^Overcast\//i },
  { app: 'antennapod', pattern: /^AntennaPod\//i },
  { app: 'podcast-addict', pattern: /^Podcast ?Addict/i },
  { app: 'castro', pattern: /^Castro\b/i },
  { app: 'gpodder', pattern: /^gPodder\//i },
  {
    app: 'apple-podcasts',
    pattern: /^(AppleCoreMedia\/|iTunes\/|Podcasts\/|Balados\/|Podcast\/|atc\/.*watchOS)/i,
  },
];

/** Apps that exist on one platform only, whatever their User-Agent says of it. */
const ONLY_ON: Partial<Record<AudienceApp, AudiencePlatform>> = {
  antennapod: 'android',
  'podcast-addict': 'android',
  overcast: 'ios',
  castro: 'ios',
};

export function platformOf(userAgent: string): AudiencePlatform {
  if (/iPhone|iPad|iPod|\biOS\b|watchOS|CFNetwork\/.*Darwin/i.test(userAgent)) return 'ios';
  if (/Android|Dalvik/i.test(userAgent)) return 'android';
  if (/Macintosh|Mac OS X|\bOSX\b|macOS/i.test(userAgent)) return 'macos';
  if (/Windows|Win32|Win64/i.test(userAgent)) return 'windows';
  if (/Linux|X11|Ubuntu|Fedora|CrOS/i.test(userAgent)) return 'linux';
  return 'other';
}

const isBrowser = (userAgent: string) =>
  /^Mozilla\/5\.0 /.test(userAgent) && /(Gecko|AppleWebKit)\//.test(userAgent);

/**
 * The app and platform of a User-Agent, or a bot.
 * @param isBot a generic bot detector (the `isbot` package), asked after the app list
 *   (it takes several podcast apps for bots: "AntennaPod/3.2.0", "gPodder/3.11.1 (+https://…)").
 */
export function classifyAgent(
  userAgent: string | undefined,
  isBot: (userAgent: string) => boolean,
): Listener {
  const ua = (userAgent ?? '').trim();
  if (!ua || NOT_LISTENING.some((p) => p.test(ua))) return { kind: 'bot' };
  const known = APPS.find((a) => a.pattern.test(ua));
  if (known) {
    return { kind: 'app', app: known.app, platform: ONLY_ON[known.app] ?? platformOf(ua) };
  }
  if (isBot(ua)) return { kind: 'bot' };
  if (isBrowser(ua)) {
    const platform = platformOf(ua);
    return { kind: 'app', app: 'browser', platform: platform === 'other' ? 'web' : platform };
  }
  return { kind: 'app', app: 'other', platform: platformOf(ua) };
}
