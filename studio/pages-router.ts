/**
 * The studio's pages under /studio: signed-out visitors are sent to the sign-in page,
 * editors to admin pages get a 403 page saying why. Data comes from the same
 * services and representations as the API.
 */
import { Router, type Request, type Response } from 'express';
import { parseCookie } from 'cookie';
import { z } from 'zod';
import { iframeHtml } from '../embed/oembed.js';
import { PLAYER_WIDTH } from '../embed/view.js';
import { EPISODE_STATES } from '../src/core/episode-state.js';
import { notFound } from '../src/core/errors.js';
import { slugSchema } from '../src/core/schemas.js';
import type { EpisodesRepository } from '../src/db/repositories/episodes.repo.js';
import type { ListingsRepository } from '../src/db/repositories/listings.repo.js';
import { principalOf } from '../src/http/middleware/auth.js';
import { parseOr400 } from '../src/http/middleware/validate.js';
import { episodeJson } from '../src/http/representations.js';
import type { AccountService } from '../src/services/accounts.js';
import type { ClipService } from '../src/services/clips.js';
import type { EpisodeService } from '../src/services/episodes.js';
import { studioAssets } from './assets.js';
import { pickLang, STRINGS } from './i18n.js';
import {
  episodePage,
  forbiddenPage,
  loginPage,
  newEpisodePage,
  showPage,
  showsPage,
  tokensPage,
  type PageContext,
} from './pages.js';

const LANG_COOKIE = 'antenne_lang';
const episodeId = z.string().regex(/^[a-z0-9]{1,64}$/, 'is not an episode id');

/** "I -16.0 LUFS, TP -1.0 dBTP" from whatever loudness figures the episode carries. */
export function loudnessText(loudness: unknown): string | null {
  if (!loudness || typeof loudness !== 'object') return null;
  const parts: string[] = [];
  const visit = (prefix: string, v: unknown) => {
    if (typeof v === 'number') parts.push(`${prefix} ${Math.round(v * 10) / 10}`);
    else if (v && typeof v === 'object' && prefix.split(' ').length < 2)
      for (const [k, x] of Object.entries(v)) visit(prefix ? `${prefix} ${k}` : k, x);
  };
  visit('', loudness);
  return parts.length ? parts.join(', ') : null;
}

export function studioPagesRouter(deps: {
  accounts: AccountService;
  episodes: EpisodeService;
  clips: ClipService;
  episodesRepo: EpisodesRepository;
  listings: ListingsRepository;
  publicUrl: string;
  /** True once publishing (issue 4) answers POST /api/episodes/:id/publish. */
  canPublish: boolean;
}): Router {
  const router = Router();

  const context = async (req: Request): Promise<PageContext> => {
    const p = principalOf(req);
    const lang = pickLang(
      parseCookie(req.get('cookie') ?? '')[LANG_COOKIE],
      req.get('accept-language'),
    );
    const assets = await studioAssets();
    return {
      lang,
      t: STRINGS[lang],
      user: p?.kind === 'session' ? { name: p.user.name, role: p.user.role } : null,
      csrfToken: p?.kind === 'session' ? p.csrfToken : null,
      assets: { js: `/studio/assets/${assets.js.name}`, css: `/studio/assets/${assets.css.name}` },
      path: req.originalUrl,
    };
  };

  const send = (res: Response, html: string, status = 200) => {
    res
      .status(status)
      .set({
        'Content-Type': 'text/html; charset=utf-8',
        'Cache-Control': 'no-store',
        'Content-Security-Policy':
          "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; media-src 'self'; connect-src 'self'; frame-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
        'X-Content-Type-Options': 'nosniff',
        'Referrer-Policy': 'same-origin',
      })
      .send(html);
  };

  /** Signed-in page, or a redirect to the sign-in page (API tokens do not open pages). */
  const page =
    (
      role: 'editor' | 'admin',
      handler: (req: Request, res: Response, ctx: PageContext) => Promise<void>,
    ) =>
    async (req: Request, res: Response) => {
      const ctx = await context(req);
      if (!ctx.user) {
        res.redirect(303, `/studio/login?next=${encodeURIComponent(req.originalUrl)}`);
        return;
      }
      if (role === 'admin' && ctx.user.role !== 'admin') return send(res, forbiddenPage(ctx), 403);
      await handler(req, res, ctx);
    };

  router.get('/studio/assets/:name', async (req, res) => {
    const assets = await studioAssets();
    const asset = [assets.js, assets.css].find((a) => a.name === req.params.name);
    if (!asset) throw notFound('Asset');
    res
      .set({
        'Content-Type': asset.type,
        'Cache-Control': 'public, max-age=31536000, immutable',
        'X-Content-Type-Options': 'nosniff',
      })
      .send(asset.body);
  });

  router.get('/studio/lang/:lang', (req, res) => {
    const lang = req.params.lang === 'fr' ? 'fr' : 'en';
    const next =
      typeof req.query.next === 'string' && req.query.next.startsWith('/studio')
        ? req.query.next
        : '/studio';
    res.cookie(LANG_COOKIE, lang, { sameSite: 'lax', path: '/studio', maxAge: 365 * 86400_000 });
    res.redirect(303, next);
  });

  router.get('/studio', (req, res) => {
    res.redirect(303, principalOf(req)?.kind === 'session' ? '/studio/shows' : '/studio/login');
  });

  router.get('/studio/login', async (req, res) => {
    const next =
      typeof req.query.next === 'string' && req.query.next.startsWith('/studio/')
        ? req.query.next
        : '/studio/shows';
    send(res, loginPage(await context(req), next));
  });

  router.get(
    '/studio/shows',
    page('editor', async (_req, res, ctx) => {
      const shows = await deps.listings.shows();
      send(
        res,
        showsPage(
          ctx,
          shows.map((s) => ({ ...s, feedUrl: `${deps.publicUrl}/feeds/${s.slug}.xml` })),
        ),
      );
    }),
  );

  router.get(
    '/studio/shows/:slug',
    page('editor', async (req, res, ctx) => {
      const show = await deps.episodes.requireShow(parseOr400(slugSchema, req.params.slug));
      const list = await deps.episodesRepo.listByShow(show.id, EPISODE_STATES);
      const rows = await Promise.all(
        list.map(async (ep) => {
          const { renditions } = await deps.episodes.get(ep.id);
          const json = episodeJson(ep, show, renditions, deps.publicUrl) as ReturnType<
            typeof episodeJson
          > & { loudness?: unknown; scheduledAt?: string | null };
          return {
            id: ep.id,
            title: ep.article.title,
            state: ep.state,
            durationSeconds: ep.durationSeconds,
            publishedAt: json.scheduledAt ?? json.publishedAt,
            loudness: loudnessText(json.loudness),
          };
        }),
      );
      send(
        res,
        showPage(
          ctx,
          {
            slug: show.slug,
            title: show.title,
            feedUrl: `${deps.publicUrl}/feeds/${show.slug}.xml`,
          },
          rows,
        ),
      );
    }),
  );

  router.get(
    '/studio/shows/:slug/new',
    page('editor', async (req, res, ctx) => {
      const show = await deps.episodes.requireShow(parseOr400(slugSchema, req.params.slug));
      send(res, newEpisodePage(ctx, show));
    }),
  );

  router.get(
    '/studio/episodes/:id',
    page('editor', async (req, res, ctx) => {
      const { episode, show, renditions } = await deps.episodes.get(
        parseOr400(episodeId, req.params.id),
      );
      const json = episodeJson(episode, show, renditions, deps.publicUrl) as ReturnType<
        typeof episodeJson
      > & {
        loudness?: unknown;
      };
      const embedUrl = `${deps.publicUrl}/embed/episodes/${episode.id}`;
      send(
        res,
        episodePage(ctx, {
          id: episode.id,
          title: episode.article.title,
          state: episode.state,
          progress: episode.progress,
          failureReason: episode.failureReason,
          showSlug: show.slug,
          renditions: json.renditions,
          loudness: loudnessText(json.loudness),
          embedCode: iframeHtml(embedUrl, PLAYER_WIDTH, 190, episode.article.title),
          oembedUrl: `${deps.publicUrl}/oembed?url=${encodeURIComponent(`${deps.publicUrl}/episodes/${episode.id}`)}`,
          canPublish: deps.canPublish,
          peaksUrl: json.peaksUrl,
          durationSeconds: episode.durationSeconds,
          clips: (await deps.clips.listForEpisode(episode.id)).map((c) => ({
            title: c.title,
            start: c.startSeconds,
            end: c.endSeconds,
            state: c.state,
          })),
        }),
      );
    }),
  );

  router.get(
    '/studio/tokens',
    page('admin', async (_req, res, ctx) => {
      const tokens = await deps.accounts.listApiTokens();
      send(
        res,
        tokensPage(
          ctx,
          tokens.map((k) => ({
            id: k.id,
            name: k.name,
            prefix: k.prefix,
            createdAt: k.createdAt.toISOString(),
            lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
            revokedAt: k.revokedAt?.toISOString() ?? null,
          })),
        ),
      );
    }),
  );

  return router;
}
