import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { clock, parseClock, parseMediaFragment } from '../../embed/client/time.js';
import { html, jsonForScript, raw, safeUrl } from '../../src/http/html.js';
import {
  fitSize,
  oembedResponse,
  oembedXml,
  parseMax,
  parseTargetUrl,
} from '../../embed/oembed.js';
import {
  episodeJsonLd,
  isoDuration,
  renderEmbedPage,
  renderEpisodePage,
} from '../../embed/pages.js';
import { renderPlayer } from '../../embed/player-markup.js';
import { sanitizeSummaryForPage as sanitizeSummary, summaryText } from '../../src/core/sanitize.js';
import { parseTheme } from '../../embed/theme.js';
import { parseStart, type EpisodePageView, type PlayerView } from '../../embed/view.js';
import { createClipSchema } from '../../src/core/clips.js';

const XSS = '<img src=x onerror=alert(1)> « chef » & "co"';
const view = (over: Partial<PlayerView> = {}): PlayerView => ({
  kind: 'episode',
  id: 'abc123',
  lang: 'fr',
  title: XSS,
  episodeTitle: XSS,
  showTitle: 'Normandie </title> Numérique',
  articleUrl: 'https://example.org/article',
  artworkUrl: 'https://img.example.org/a.jpg',
  audio: { url: 'https://antenne.test/media/public/e.mp3', type: 'audio/mpeg', bytes: 1000 },
  durationSeconds: 125,
  peaksUrl: 'https://antenne.test/media/public/p.json',
  chapters: [],
  transcript: [],
  downloadUrl: null,
  shareUrl: 'https://antenne.test/episodes/abc123',
  embedUrl: 'https://antenne.test/embed/episodes/abc123',
  pageUrl: 'https://antenne.test/episodes/abc123',
  ...over,
});
/** The templates are laid out on several lines: compare with whitespace collapsed. */
const norm = (markup: string) =>
  markup
    .replace(/\s+/g, ' ')
    .replace(/> </g, '><')
    .replace(/\s*\/?>/g, '>');
const ASSETS = { js: '/embed/assets/p.js', css: '/embed/assets/p.css' };

describe('embed: escaping', () => {
  it('escapes every interpolated value and passes SafeHtml through', () => {
    assert.equal(
      html`<p title="${XSS}">${XSS}</p>`.value,
      '<p title="&lt;img src=x onerror=alert(1)&gt; « chef » &amp; &quot;co&quot;">&lt;img src=x onerror=alert(1)&gt; « chef » &amp; &quot;co&quot;</p>',
    );
    assert.equal(
      html`${[html`<b>${'<'}</b>`, null, false, 2]}${raw('<i>ok</i>')}`.value,
      '<b>&lt;</b>2<i>ok</i>',
    );
  });
  it('writes JSON for a <script> element that cannot close it', () => {
    const out = jsonForScript({ name: '</script><script>alert(1)</script>\u2028' }).value;
    assert.doesNotMatch(out, /<|>/);
    assert.deepEqual(JSON.parse(out), { name: '</script><script>alert(1)</script>\u2028' });
  });
  it('keeps only http(s) URLs', () => {
    assert.equal(safeUrl('javascript:alert(1)'), null);
    assert.equal(safeUrl('data:text/html,x'), null);
    assert.equal(safeUrl('https://a.example/x?y=1'), 'https://a.example/x?y=1');
  });
  it('sanitises the summary and makes text of it', () => {
    const dirty =
      '<p onclick="x()">Entretien <script>alert(1)</script><a href="javascript:x">lien</a> &amp; <b>gras</b></p>';
    const clean = sanitizeSummary(dirty);
    assert.doesNotMatch(clean, /script|onclick|javascript/);
    assert.match(clean, /<b>gras<\/b>/);
    assert.equal(summaryText(dirty), 'Entretien lien & gras');
  });
});

describe('embed: player markup', () => {
  it('is a working <audio controls> before the script runs, with ?t= as a media fragment', () => {
    const out = renderPlayer(view(), { startAt: 42, headingLevel: 1 }).value;
    assert.match(
      out,
      /<audio class="ap-audio" controls preload="metadata" src="https:\/\/antenne\.test\/media\/public\/e\.mp3#t=42">/,
    );
    assert.match(out, /<div class="ap-ui" hidden>/);
    assert.ok(out.includes('&lt;img src=x onerror=alert(1)&gt;'));
    assert.ok(!out.includes('<img src=x'));
    assert.match(out, /aria-label="Lire"/);
    assert.doesNotMatch(out, /ap-chapters|ap-transcript|ap-dl|ap-prev/);
  });
  it('shows chapters (links with ?t=), transcript and download only when present, in English for en', () => {
    const out = renderPlayer(
      view({
        lang: 'en',
        chapters: [{ startTime: 65, title: 'Deux <b>' }],
        transcript: [{ start: 1, end: 2, text: 'Hello <i>', speaker: 'Host' }],
        downloadUrl: 'https://antenne.test/media/public/e.mp3',
      }),
      { startAt: null, headingLevel: 2 },
    ).value;
    const flat = norm(out);
    assert.match(
      flat,
      /<a href="\?t=65" data-t="65"><span class="ap-ct">1:05<\/span> Deux &lt;b&gt;<\/a>/,
    );
    assert.match(flat, /data-t="1" data-e="2"><b>Host:<\/b> Hello &lt;i&gt;/);
    assert.match(flat, /aria-label="Previous chapter"/);
    assert.match(flat, /<a class="ap-dl" href="[^"]+" download>Download<\/a>/);
    assert.match(flat, /<h2 class="ap-title">/);
  });
  it('allows the theme style by hash in the CSP, and framing by anyone', () => {
    const page = renderEmbedPage(view(), {
      startAt: null,
      theme: parseTheme({ accent: '#0A7D3B', theme: 'dark' }),
      assets: ASSETS,
      mediaOrigin: 'https://antenne.test',
    });
    const style = /<style>([^<]*)<\/style>/.exec(page.html)?.[1];
    assert.equal(style, ':root{--accent:#0a7d3b}');
    const hash = createHash('sha256').update(style).digest('base64');
    assert.ok(page.csp.includes(`'sha256-${hash}'`), page.csp);
    assert.match(page.csp, /frame-ancestors \*/);
    assert.match(page.csp, /img-src 'self' https:\/\/antenne\.test https:\/\/img\.example\.org/);
    assert.match(page.html, /class="t-dark embed"/);
    assert.deepEqual(parseTheme({ accent: 'red;}body{x', theme: 'neon' }), {
      accent: null,
      scheme: 'auto',
    });
  });
  it('renders the public page with discovery, player card and JSON-LD', () => {
    const player = view({ transcript: [{ start: 0, end: 1, text: 'Bonjour' }] });
    const pv: EpisodePageView = {
      player,
      summaryHtml: '<p>Résumé</p>',
      summaryText: 'Résumé',
      corrections: [
        {
          at: '2024-05-02T10:00:00.000Z',
          heading: 'Rectificatif du 2 mai 2024',
          note: 'Un passage « erroné » <retiré>',
        },
      ],
      author: 'Marie <Lefèvre>',
      people: [{ name: 'Mounir', role: 'secrétaire d’État' }],
      publishedAt: new Date('2018-05-31T07:30:00Z'),
      showAuthor: 'La rédaction',
      feedUrl: 'https://antenne.test/feeds/n.xml',
      oembedUrl: 'https://antenne.test/oembed?url=x',
      embedCode: '<iframe src="https://antenne.test/embed/episodes/abc123"></iframe>',
    };
    const page = renderEpisodePage(pv, {
      startAt: null,
      theme: parseTheme({}),
      assets: ASSETS,
      mediaOrigin: 'https://antenne.test',
      showSiteUrl: 'https://example.org/',
    });
    const flat = norm(page.html);
    assert.match(
      flat,
      /<link rel="alternate" type="application\/json\+oembed" href="https:\/\/antenne\.test\/oembed\?url=x&amp;format=json"/,
    );
    assert.match(flat, /<meta name="twitter:card" content="player">/);
    assert.match(flat, /<meta name="twitter:player:height" content="420">/);
    assert.match(
      flat,
      /Par Marie &lt;Lefèvre&gt; · <time datetime="2018-05-31T07:30:00.000Z">31 mai 2018<\/time>/,
    );
    assert.match(flat, /Avec : Mounir \(secrétaire d’État\)/);
    // The correction note, dated, escaped, under its own heading.
    assert.match(flat, /<h2 id="pg-corrections-title">Rectificatifs<\/h2>/);
    assert.match(
      flat,
      /<time datetime="2024-05-02T10:00:00.000Z">Rectificatif du 2 mai 2024<\/time><\/strong> — Un passage « erroné » &lt;retiré&gt;/,
    );
    assert.match(flat, /<textarea id="embed-code" readonly rows="3">&lt;iframe src=&quot;/);
    const ld = episodeJsonLd(pv, 'https://example.org/');
    assert.equal(ld['@type'], 'PodcastEpisode');
    assert.equal(ld.timeRequired, 'PT2M5S');
    assert.match(page.csp, /frame-ancestors 'self'/);
  });
});

describe('embed: time, oEmbed, clip rules', () => {
  it('parses clocks, media fragments and ?t=', () => {
    assert.equal(clock(3725), '1:02:05');
    assert.equal(clock(65.9), '1:05');
    assert.equal(parseClock('1:30'), 90);
    assert.equal(parseClock('01:02:03.5'), 3723.5);
    assert.equal(parseClock('npt:90s'), 90);
    assert.equal(parseClock('1:75'), null);
    assert.deepEqual(parseMediaFragment('#t=10,20'), { start: 10, end: 20 });
    assert.deepEqual(parseMediaFragment('#t=npt:0:10'), { start: 10, end: null });
    assert.deepEqual(parseMediaFragment('#t=,5'), { start: 0, end: 5 });
    assert.equal(parseMediaFragment('#t=20,10'), null);
    assert.equal(parseMediaFragment('#xywh=1,2,3,4'), null);
    assert.equal(parseStart('95', 100), 95);
    assert.equal(parseStart('200', 100), null);
    assert.equal(parseStart(['1'], 100), null);
    assert.equal(isoDuration(3600), 'PT1H');
    assert.equal(isoDuration(0), 'PT0S');
  });
  it('recognises only our embed and page URLs', () => {
    const base = 'https://antenne.test';
    assert.deepEqual(parseTargetUrl('https://antenne.test/embed/episodes/abc', base), {
      kind: 'episode',
      id: 'abc',
    });
    assert.deepEqual(parseTargetUrl('http://antenne.test/embed/clips/c1?t=3', base), {
      kind: 'clip',
      id: 'c1',
    });
    assert.deepEqual(parseTargetUrl('https://antenne.test/episodes/abc/', base), {
      kind: 'page',
      id: 'abc',
    });
    assert.equal(parseTargetUrl('https://evil.test/episodes/abc', base), null);
    assert.equal(parseTargetUrl('https://antenne.test/api/episodes/abc', base), null);
    assert.equal(parseTargetUrl('not a url', base), null);
    assert.deepEqual(
      parseTargetUrl('https://x.test/podcasts/episodes/a', 'https://x.test/podcasts'),
      { kind: 'page', id: 'a' },
    );
  });
  it('fits the size within maxwidth/maxheight and writes XML with escaped fields', () => {
    assert.deepEqual(fitSize({ width: 640, height: 190 }, { maxwidth: 300 }), {
      width: 300,
      height: 190,
    });
    assert.equal(parseMax('abc'), undefined);
    assert.equal(parseMax('0'), undefined);
    const body = oembedResponse({
      title: XSS,
      authorName: 'a',
      authorUrl: 'https://e/',
      providerName: 'p',
      providerUrl: 'https://p',
      embedUrl: 'https://antenne.test/embed/episodes/a',
      width: 640,
      height: 190,
      thumbnail: null,
    });
    assert.equal(body.thumbnail_url, undefined);
    assert.match(
      String(body.html),
      /title="&lt;img src=x onerror=alert\(1\)&gt; « chef » &amp; &quot;co&quot;"/,
    );
    const xml = oembedXml(body);
    assert.match(
      xml,
      /<title>&lt;img src=x onerror=alert\(1\)&gt; « chef » &amp; &quot;co&quot;<\/title>/,
    );
  });
  it('validates clip bounds: 1 s to 5 min', () => {
    assert.equal(createClipSchema.safeParse({ title: 'a', start: 0, end: 1 }).success, true);
    assert.equal(createClipSchema.safeParse({ title: 'a', start: 0, end: 300 }).success, true);
    assert.equal(createClipSchema.safeParse({ title: 'a', start: 0, end: 0.5 }).success, false);
    assert.equal(createClipSchema.safeParse({ title: 'a', start: 0, end: 300.5 }).success, false);
    assert.equal(createClipSchema.safeParse({ title: ' ', start: 0, end: 3 }).success, false);
  });
});
