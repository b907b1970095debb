/**
 * The studio's pages under /studio: signed-out visitors are sent to the sign-in page,
 * editors to admin pages get a 403 page saying why. Data comes from the same
 * services and representations as the API.
 */
import {
  Router,
  type ErrorRequestHandler,
  type Request,
  type RequestHandler,
  type Response,
} from 'express';
import { parseCookie } from 'cookie';
import { iframeHtml, PLAYER_WIDTH, playerHeightWith } from '../src/http/embed-code.js';
import { EPISODE_STATES } from '../src/core/episode-state.js';
import { AppError, notFound } from '../src/core/errors.js';
import { slugSchema, episodeIdSchema } from '../src/core/schemas.js';
import type { EpisodesRepository } from '../src/db/repositories/episodes.repo.js';
import type { ListingsRepository } from '../src/db/repositories/listings.repo.js';
import type { FeedMovesService } from '../src/services/feed-moves.js';
import { principalOf, sessionExpired } from '../src/http/middleware/auth.js';
import { pathParam } from '../src/http/middleware/validate.js';
import { episodeJson } from '../src/http/representations/episodes.js';
import { tokenJson } from '../src/http/representations/accounts.js';
import { showJson } from '../src/http/representations/shows.js';
import type { AccountService } from '../src/services/accounts.js';
import type { AudienceReportService } from '../src/services/audience-reports.js';
import { audienceRange, audienceSection } from './pages/audience-section.js';
import type { ClipService } from '../src/services/clips.js';
import type { EpisodeService } from '../src/services/episodes.js';
import { publicUrls } from '../src/core/urls.js';
import type { PublishingService } from '../src/services/publishing.js';
import { studioAssets } from './assets.js';
import { pickLang } from '../src/http/i18n/lang.js';
import { STUDIO_STRINGS } from '../src/http/i18n/studio.js';
import type { SafeHtml } from '../src/http/html.js';
import { correctionsSection } from './pages/corrections.js';
import type { QualityService } from '../src/services/quality.js';
import { episodePage, newEpisodePage } from './pages/episode.js';
import { versionJson } from '../src/http/representations/versions.js';
import type { CorrectionService } from '../src/services/corrections.js';
import type { PageContext } from './pages/layout.js';
import { loudnessSummary, loudnessTable } from './pages/loudness.js';
import { qualitySection } from './pages/quality.js';
import { showPage, showSettingsPage, showsPage } from './pages/shows.js';
import { forbiddenPage, loginPage, notFoundPage } from './pages/sign-in.js';
import { tokensPage } from './pages/tokens.js';
import { accountPage, usersPage } from './pages/users.js';
import { publicRoute, withAccess } from '../src/http/access.js';
import type { MediaUrls } from '../src/http/media-urls.js';

const LANG_COOKIE = 'antenne_lang';

/** What a page guard leaves for the page it guards. */
interface PageLocals {
  studioPage: PageContext;
}

export interface StudioPages {
  readonly router: Router;
  /**
   * Guards an HTML page: signed-out visitors go to the sign-in page (told when their
   * session ran out), signed-in users without the role get a 403 page saying why.
   */
  guard(role: 'editor' | 'admin'): RequestHandler;
}

export function studioPages(deps: {
  accounts: AccountService;
  episodes: EpisodeService;
  clips: ClipService;
  corrections: CorrectionService;
  publishing: PublishingService;
  quality: QualityService;
  episodesRepo: EpisodesRepository;
  listings: ListingsRepository;
  publicUrl: string;
  /** URLs of stored files for editors (signed while unpublished). */
  mediaUrls: MediaUrls;
  audienceReports: AudienceReportService;
  feedMoves?: Pick<FeedMovesService, 'location'> | undefined;
}): StudioPages {
  const router = Router();

  const context = async (req: Request): Promise<PageContext> => {
    const p = principalOf(req);
    const lang = pickLang(req, parseCookie(req.get('cookie') ?? '')[LANG_COOKIE]);
    const assets = await studioAssets();
    return {
      lang,
      t: STUDIO_STRINGS[lang],
      user: p?.kind === 'session' ? { name: p.user.name, role: p.user.role } : null,
      csrfToken: p?.kind === 'session' ? p.csrfToken : null,
      assets: { js: `/studio/assets/${assets.js.name}`, css: `/studio/assets/${assets.css.name}` },
      path: req.originalUrl,
    };
  };

  const send = (res: Response, page: SafeHtml, status = 200) => {
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
      .send(page.value);
  };

  const signInUrl = (req: Request) =>
    `/studio/login?next=${encodeURIComponent(req.originalUrl)}${sessionExpired(req) ? '&expired=1' : ''}`;

  const guard = (role: 'editor' | 'admin'): RequestHandler =>
    withAccess(
      async (req, res, next) => {
        const ctx = await context(req);
        if (!ctx.user) return res.redirect(303, signInUrl(req));
        if (role === 'admin' && ctx.user.role !== 'admin') {
          return send(res, forbiddenPage(ctx), 403);
        }
        (res.locals as PageLocals).studioPage = ctx;
        next();
      },
      { kind: role === 'admin' ? 'admin-page' : 'editor-page' },
    );

  /** A signed-in page (API tokens do not open pages), given the context its guard made. */
  const page = (
    role: 'editor' | 'admin',
    handler: (req: Request, res: Response, ctx: PageContext) => Promise<void>,
  ): RequestHandler[] => [
    guard(role),
    (req: Request, res: Response) => handler(req, res, (res.locals as PageLocals).studioPage),
  ];

  router.get('/studio/assets/:name', publicRoute('studio code and styles'), async (req, res) => {
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

  router.get('/studio/lang/:lang', publicRoute('sets a language cookie'), (req, res) => {
    const lang = req.params.lang === 'fr' ? 'fr' : 'en';
    const next =
      typeof req.query.next === 'string' && req.query.next.startsWith('/studio')
        ? req.query.next
        : '/studio';
    res.cookie(LANG_COOKIE, lang, { sameSite: 'lax', path: '/studio', maxAge: 365 * 86400_000 });
    res.redirect(303, next);
  });

  router.get('/studio', publicRoute('redirects to sign-in or the shows'), (req, res) => {
    res.redirect(303, principalOf(req)?.kind === 'session' ? '/studio/shows' : '/studio/login');
  });

  router.get('/studio/login', publicRoute('the sign-in form'), async (req, res) => {
    const next =
      typeof req.query.next === 'string' && req.query.next.startsWith('/studio/')
        ? req.query.next
        : '/studio/shows';
    send(res, loginPage(await context(req), next, req.query.expired === '1'));
  });

  router.get(
    '/studio/shows',
    ...page('editor', async (_req, res, ctx) => {
      const shows = await deps.listings.shows();
      send(
        res,
        showsPage(
          ctx,
          shows.map((s) => ({ ...s, feedUrl: publicUrls(deps.publicUrl).feed(s.slug) })),
        ),
      );
    }),
  );

  router.get(
    '/studio/shows/:slug',
    ...page('editor', async (req, res, ctx) => {
      const show = await deps.episodes.requireShow(pathParam(req, 'slug', slugSchema));
      const list = await deps.episodesRepo.listByShow(show.id, EPISODE_STATES);
      // Everything a row shows is on the episode row: no per-episode query.
      const rows = list.map((ep) => ({
        id: ep.id,
        title: ep.article.title,
        state: ep.state,
        durationSeconds: ep.durationSeconds,
        publishedAt: (ep.feed?.scheduledAt ?? ep.article.publishedAt).toISOString(),
        loudness: loudnessSummary(ctx.lang, ep.loudness),
      }));
      const period = audienceRange(req.query);
      const audience = await deps.audienceReports.forShow(show.slug, period.range);
      send(
        res,
        showPage(
          ctx,
          {
            slug: show.slug,
            title: show.title,
            feedUrl: publicUrls(deps.publicUrl).feed(show.slug),
          },
          rows,
          audienceSection(ctx, { kind: 'show', report: audience }, period.invalid),
        ),
      );
    }),
  );

  router.get(
    '/studio/shows/:slug/settings',
    ...page('editor', async (req, res, ctx) => {
      const { show, topics } = await deps.publishing.listTopics(pathParam(req, 'slug', slugSchema));
      // The article categories the show's episodes carry: what a topic feed can follow.
      const categories = await deps.listings.categoriesOf(show.id);
      const location = await deps.feedMoves?.location(show.slug);
      send(
        res,
        showSettingsPage(
          ctx,
          showJson(show, deps.publicUrl),
          {
            topics: topics.map((t) => ({
              slug: t.slug,
              title: t.title,
              category: t.category,
              feedUrl: publicUrls(deps.publicUrl).feed(show.slug, t.slug),
            })),
            categories,
          },
          location,
        ),
      );
    }),
  );

  router.get(
    '/studio/shows/:slug/new',
    ...page('editor', async (req, res, ctx) => {
      const show = await deps.episodes.requireShow(pathParam(req, 'slug', slugSchema));
      send(res, newEpisodePage(ctx, show));
    }),
  );

  router.get(
    '/studio/episodes/:id',
    ...page('editor', async (req, res, ctx) => {
      const { episode, show, renditions } = await deps.episodes.get(
        pathParam(req, 'id', episodeIdSchema),
      );
      const report = await deps.quality.report(episode, show, renditions);
      const json = episodeJson(episode, show, renditions, deps.mediaUrls, report);
      const a = episode.article;
      const period = audienceRange(req.query);
      const audience = await deps.audienceReports.forEpisode(episode.id, period.range);
      const embedUrl = publicUrls(deps.publicUrl).embedEpisode(episode.id);
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
          scheduledAt: episode.feed?.scheduledAt?.toISOString() ?? null,
          feedFields: {
            episodeType: episode.feed?.episodeType ?? 'full',
            season: episode.feed?.season ?? null,
            episodeNumber: episode.feed?.episodeNumber ?? null,
            explicit: episode.feed?.explicit ?? null,
            location: episode.feed?.location ?? null,
          },
          chapters: episode.chapters?.chapters ?? [],
          transcriptUrl: json.transcript?.url ?? null,
          loudnessHtml: loudnessTable(ctx.t, ctx.lang, episode.loudness),
          qualityHtml: qualitySection(ctx.t, ctx.lang, report, episode.qualityOverrides ?? []),
          qualityBlocking: report.blocking,
          audienceHtml: audienceSection(ctx, { kind: 'episode', report: audience }, period.invalid),
          article: {
            title: a.title,
            articleUrl: a.url,
            summary: a.summary,
            author: a.author,
            publishedAt: a.publishedAt.toISOString(),
            categories: a.categories,
            imageUrl: a.imageUrl,
            language: a.language,
            source: a.source,
            copyright: a.copyright,
            interviewees: episode.interviewees.map((p) =>
              p.role ? { name: p.name, role: p.role } : { name: p.name },
            ),
          },
          // The same size oEmbed gives: taller once the player shows chapters or a transcript.
          embedCode: iframeHtml(
            embedUrl,
            PLAYER_WIDTH,
            playerHeightWith(!!(episode.feed?.chaptersKey || episode.feed?.transcript)),
            episode.article.title,
          ),
          oembedUrl: publicUrls(deps.publicUrl).oembed(
            publicUrls(deps.publicUrl).episodePage(episode.id),
          ),
          peaksUrl: json.peaksUrl,
          durationSeconds: episode.durationSeconds,
          clips: (await deps.clips.listForEpisode(episode.id)).map((c) => ({
            title: c.title,
            start: c.startSeconds,
            end: c.endSeconds,
            state: c.state,
          })),
          correctionsHtml: correctionsSection(
            ctx.t,
            ctx.lang,
            episode.id,
            (await deps.corrections.history(episode.id)).versions.map(versionJson),
          ),
        }),
      );
    }),
  );

  router.get(
    '/studio/tokens',
    ...page('admin', async (_req, res, ctx) => {
      const tokens = await deps.accounts.listApiTokens();
      send(res, tokensPage(ctx, tokens.map(tokenJson)));
    }),
  );

  router.get(
    '/studio/users',
    ...page('admin', async (req, res, ctx) => {
      const users = await deps.accounts.listUsersWithAccess();
      const p = principalOf(req);
      send(
        res,
        usersPage(
          ctx,
          users.map((u) => ({ ...u, createdAt: u.createdAt.toISOString() })),
          p?.kind === 'session' ? p.user.id : '',
        ),
      );
    }),
  );

  router.get(
    '/studio/account',
    ...page('editor', (req, res, ctx) => {
      // The guard let a session through (API tokens do not open pages).
      const p = principalOf(req);
      if (p?.kind !== 'session') return Promise.reject(notFound('Account'));
      send(res, accountPage(ctx, p.user));
      return Promise.resolve();
    }),
  );

  // A page that cannot be shown (a stale link, a mistyped address) answers a page in
  // the editor's language, not the API's JSON problem. Other errors go on as problems.
  const pageError: ErrorRequestHandler = async (err, req, res, next) => {
    const status = err instanceof AppError ? err.status : 0;
    if ((status !== 404 && status !== 400) || req.accepts(['json', 'html']) !== 'html')
      return next(err);
    send(res, notFoundPage(await context(req)), 404);
  };
  router.use('/studio', pageError);

  return { router, guard };
}
