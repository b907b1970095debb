/** Issue 12: which app and platform an audio request comes from, or a bot (realistic agents). */
import assert from 'node:assert/strict';
import { isbot } from 'isbot';
import { classifyAgent } from '../../src/core/audience-apps.js';

/** Agents seen in podcast hosts' logs, per app. Keep in step with APPS in src/core/audience-apps.ts. */
const LISTENERS: readonly [string, string, string][] = [
  [
    'AppleCoreMedia/1.0.0.20E247 (iPhone; U; CPU OS 16_4 like Mac OS X; en_us)',
    'apple-podcasts',
    'ios',
  ],
  [
    'AppleCoreMedia/1.0.0.21A329 (iPad; U; CPU OS 17_0 like Mac OS X; fr_fr)',
    'apple-podcasts',
    'ios',
  ],
  [
    'AppleCoreMedia/1.0.0.22E261 (Macintosh; U; Intel Mac OS X 13_3_1; en_us)',
    'apple-podcasts',
    'macos',
  ],
  ['Podcasts/1650.20 CFNetwork/1404.0.5 Darwin/22.3.0', 'apple-podcasts', 'ios'],
  [
    'iTunes/12.12.8 (Windows; Microsoft Windows 10 x64) AppleWebKit/7614.4.6.1.6',
    'apple-podcasts',
    'windows',
  ],
  [
    'atc/1.0 watchOS/9.4 model/Watch6,1 hwp/t8301 build/20T250 (6; dt:251) AppleWatch',
    'apple-podcasts',
    'ios',
  ],
  ['Spotify/8.8.12 iOS/16.4 (iPhone14,2)', 'spotify', 'ios'],
  ['Spotify/8.8.12.545 Android/33 (SM-G991B)', 'spotify', 'android'],
  ['Spotify/1.2.9.743 Win32_x86_64/0 (PC desktop)', 'spotify', 'windows'],
  ['Spotify/125400463 OSX/0 (MacBookPro18,3)', 'spotify', 'macos'],
  ['Spotify/1.2.9.743 Linux/0 (PC desktop)', 'spotify', 'linux'],
  ['Pocket Casts', 'pocket-casts', 'other'],
  ['PocketCasts/1.0 (Pocket Casts iOS v7.37.0)', 'pocket-casts', 'ios'],
  ['Pocket Casts/7.45 (Android 13)', 'pocket-casts', 'android'],
  ['Overcast/3.0 (+http://overcast.fm/; iOS podcast app)', 'overcast', 'ios'],
  ['AntennaPod/3.2.0', 'antennapod', 'android'],
  ['AntennaPod/2.7.1 (Linux; U; Android 11; Pixel 4a)', 'antennapod', 'android'],
  [
    'Podcast Addict - v2024.2 - Dalvik/2.1.0 (Linux; U; Android 13; SM-A536B Build/TP1A.220624.014)',
    'podcast-addict',
    'android',
  ],
  [
    'PodcastAddict/v2 - Dalvik/2.1.0 (Linux; U; Android 10; Redmi Note 8 Pro)',
    'podcast-addict',
    'android',
  ],
  ['Castro 2022.11/1186 Like iTunes', 'castro', 'ios'],
  ['Castro/1186 CFNetwork/1404.0.5 Darwin/22.3.0', 'castro', 'ios'],
  ['gPodder/3.11.1 (+https://gpodder.github.io/) Linux', 'gpodder', 'linux'],
  ['gPodder/3.11.4 (+https://gpodder.github.io/) Windows/10', 'gpodder', 'windows'],
  [
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
    'browser',
    'windows',
  ],
  [
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15',
    'browser',
    'macos',
  ],
  [
    'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0',
    'browser',
    'linux',
  ],
  [
    'Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.43 Mobile Safari/537.36',
    'browser',
    'android',
  ],
  [
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1',
    'browser',
    'ios',
  ],
  ['VLC/3.0.18 LibVLC/3.0.18', 'other', 'other'],
];

const BOTS: readonly string[] = [
  '',
  'curl/8.4.0',
  'Wget/1.21.4',
  'python-requests/2.31.0',
  'Go-http-client/1.1',
  'okhttp/4.9.3',
  'Lavf/58.76.100',
  'Overcast/1.0 Podcast Sync (123 subscribers; feed-id=2400000; +http://overcast.fm/)',
  'FeedValidator/1.3',
  'CastFeedValidator/1.0',
  'W3C_Validator/1.3 http://validator.w3.org/services',
  'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)',
  'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)',
  'Twitterbot/1.0',
  'WhatsApp/2.23.20.0 A',
  'TelegramBot (like TwitterBot)',
  'Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)',
  'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)',
  'iTMS',
];

describe('audience: user agent → app and platform', () => {
  for (const [ua, app, platform] of LISTENERS) {
    it(`${app} on ${platform}: ${ua.slice(0, 60)}`, () => {
      assert.deepEqual(classifyAgent(ua, isbot), { kind: 'app', app, platform });
    });
  }
  for (const ua of BOTS) {
    it(`not a listener: ${JSON.stringify(ua.slice(0, 60))}`, () => {
      assert.deepEqual(classifyAgent(ua, isbot), { kind: 'bot' });
    });
  }
  it('takes a missing agent for a bot', () => {
    assert.deepEqual(classifyAgent(undefined, isbot), { kind: 'bot' });
  });
});
