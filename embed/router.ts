/**
 * Reader-facing HTTP: the embeddable player (/embed/episodes/:id,
 * /embed/clips/:id), the public episode page (/episodes/:id), the oEmbed
 * provider (/oembed) and the player's assets. Compressed (br/gzip), no cookies,
 * CORS-free, and framing allowed for the player only.
 */
import { correctionHeading } from '../src/core/corrections.js';
import { showArtworkUrl } from '../src/core/domain.js';
import compression from 'compression';
import { Router, type Request, type Response } from 'express';
import { AppError, notFound } from '../src/core/errors.js';
import { playerAssets, type Asset } from './assets.js';
import type { ReaderData } from './data.js';
import { fitSize, oembedQuerySchema, oembedResponse, oembedXml, parseTargetUrl } from './oembed.js';
import { embedCodeFor, renderEmbedPage, renderEpisodePage, type RenderedPage } from './pages.js';
import { parseTheme } from './theme.js';
import { parseStart, playerHeight, type PlayerView } from './view.js';
import { PLAYER_WIDTH } from '../src/http/embed-code.js';
import { publicRoute, publishedOnly } from '../src/http/access.js';
import { parseOr400 } from '../src/http/middleware/validate.js';
import { RECORD_ID } from '../src/core/schemas.js';
import { sanitizeSummaryForPage, summaryText } from '../src/core/sanitize.js';

const ID = RECORD_ID;
const ASSET_PREFIX = '/embed/assets/';

function sendPage(res: Response, page: RenderedPage): void {
  res.set({
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Security-Policy': page.csp,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'strict-origin-when-cross-origin',
    // Short: a new title or a new clip shows up within a minute.
    'Cache-Control': 'public, max-age=60',
  });
  res.send(page.html);
}

function sendAsset(req: Request, res: Response, asset: Asset): void {
  res.set({
    'Content-Type': asset.type,
    'Cache-Control': 'public, max-age=31536000, immutable',
    'X-Content-Type-Options': 'nosniff',
    'Cross-Origin-Resource-Policy': 'same-origin',
  });
  if (req.method === 'HEAD') {
    res.set('Content-Length', String(asset.body.length)).end();
    return;
  }
  res.send(asset.body);
}

export function embedRouter(deps: { data: ReaderData }): Router {
  const { data } = deps;
  const router = Router();
  const mediaOrigin = new URL(data.publicUrl).origin;
  // Pages and assets only: media is served (with Range) by the media router.
  router.use(['/embed', '/episodes', '/oembed'], compression({ threshold: 0 }));

  // ReaderData loads published episodes and ready clips of published episodes only.
  const readers = publishedOnly('reader pages of published episodes and their clips');

  const assetUrls = async () => {
    const assets = await playerAssets();
    return { js: `${ASSET_PREFIX}${assets.js.name}`, css: `${ASSET_PREFIX}${assets.css.name}` };
  };

  // Every page with a player (episode, clip, episode page) reads ?t= and the
  // theme from the query the same way.
  const playerPageOptions = async (req: Request, player: PlayerView) => ({
    startAt: parseStart(req.query.t, player.durationSeconds),
    theme: parseTheme(req.query),
    assets: await assetUrls(),
    mediaOrigin,
  });

  router.get('/embed/assets/:name', publicRoute('player code and styles'), async (req, res) => {
    const assets = await playerAssets();
    const asset = [assets.js, assets.css].find((a) => a.name === req.params.name);
    if (!asset) throw notFound('Asset');
    sendAsset(req, res, asset);
  });

  router.get('/embed/episodes/:id', readers, async (req, res) => {
    const id = String(req.params.id);
    const loaded = ID.test(id) ? await data.episode(id) : null;
    if (!loaded) throw notFound('Episode', 'No published episode has this id.');
    sendPage(res, renderEmbedPage(loaded.player, await playerPageOptions(req, loaded.player)));
  });

  router.get('/embed/clips/:id', readers, async (req, res) => {
    const id = String(req.params.id);
    const loaded = ID.test(id) ? await data.clip(id) : null;
    if (!loaded) throw notFound('Clip', 'No ready clip of a published episode has this id.');
    sendPage(res, renderEmbedPage(loaded.player, await playerPageOptions(req, loaded.player)));
  });

  router.get('/episodes/:id', readers, async (req, res) => {
    const id = String(req.params.id);
    const loaded = ID.test(id) ? await data.episode(id) : null;
    if (!loaded) throw notFound('Episode', 'No published episode has this id.');
    const { episode, show, player } = loaded;
    sendPage(
      res,
      renderEpisodePage(
        {
          player,
          summaryHtml: sanitizeSummaryForPage(episode.article.summary),
          summaryText: summaryText(episode.article.summary) || player.title,
          corrections: [...(episode.correctionNotes ?? [])].reverse().map((n) => ({
            at: n.at,
            heading: correctionHeading(n.at, player.lang),
            note: n.note,
          })),
          author: episode.article.author,
          people: episode.interviewees,
          publishedAt: episode.article.publishedAt,
          showAuthor: show.author,
          feedUrl: data.urls.feed(show.slug),
          oembedUrl: data.urls.oembed(player.pageUrl),
          embedCode: embedCodeFor(player),
        },
        { ...(await playerPageOptions(req, player)), showSiteUrl: show.siteUrl },
      ),
    );
  });

  router.get('/oembed', readers, async (req, res) => {
    const { url, format, maxwidth, maxheight } = parseOr400(oembedQuerySchema, req.query, 'query');
    if (format !== 'json' && format !== 'xml') {
      // oembed.com §2.3.5: a format the provider does not offer is a 501.
      throw new AppError(
        501,
        'oembed-format',
        'Format not implemented',
        `The oEmbed format "${format}" is not supported: use json or xml.`,
        [{ field: 'format', in: 'query', message: 'must be json or xml' }],
      );
    }
    const target = parseTargetUrl(url, data.publicUrl);
    const loaded =
      target === null
        ? null
        : target.kind === 'clip'
          ? await data.clip(target.id)
          : await data.episode(target.id);
    if (!target || !loaded) throw notFound('Embeddable resource', `Nothing to embed at ${url}.`);
    const player: PlayerView = loaded.player;
    const size = fitSize(
      { width: PLAYER_WIDTH, height: playerHeight(player) },
      { maxwidth, maxheight },
    );
    const artwork = showArtworkUrl(loaded.show, data.urls.media);
    const body = oembedResponse({
      title: player.title,
      authorName: loaded.episode.article.author ?? loaded.show.author,
      authorUrl: loaded.show.siteUrl,
      providerName: loaded.show.title,
      providerUrl: data.publicUrl,
      embedUrl: player.embedUrl,
      ...size,
      // Show artwork: square and at least 1400 px, as Apple requires of podcast artwork.
      thumbnail: artwork ? { url: artwork, width: 1400, height: 1400 } : null,
    });
    res.set({ 'Access-Control-Allow-Origin': '*', 'Cache-Control': 'public, max-age=300' });
    if (format === 'xml') res.type('text/xml; charset=utf-8').send(oembedXml(body));
    else res.type('application/json; charset=utf-8').send(JSON.stringify(body));
  });

  return router;
}
