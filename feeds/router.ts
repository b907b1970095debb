import { createHash } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import { FEED_STATES } from '../src/core/episode-state.js';
import { notFound } from '../src/core/errors.js';
import { slugSchema } from '../src/core/schemas.js';
import type { EpisodesRepository } from '../src/db/repositories/episodes.repo.js';
import type { RenditionsRepository } from '../src/db/repositories/renditions.repo.js';
import type { ShowsRepository } from '../src/db/repositories/shows.repo.js';
import { mediaUrl } from '../src/http/representations.js';
import { feedUrlFor } from '../src/services/shows.js';
import { buildPodcastFeed, type FeedEntry } from './podcast-feed.js';

export interface FeedDeps {
  readonly shows: ShowsRepository;
  readonly episodes: EpisodesRepository;
  readonly renditions: RenditionsRepository;
  readonly publicUrl: string;
}

/** The enclosure of an episode: its MP3 rendition. */
const ENCLOSURE_PROFILE_PREFIX = 'mp3-';

export async function renderShowFeed(deps: FeedDeps, slug: string): Promise<string | null> {
  const show = await deps.shows.findBySlug(slug);
  if (!show) return null;
  const episodes = await deps.episodes.listByShow(show.id, FEED_STATES);
  const renditions = await deps.renditions.listByEpisodes(episodes.map((e) => e.id));
  const entries: FeedEntry[] = [];
  for (const episode of episodes) {
    const enclosure = renditions
      .get(episode.id)
      ?.find((r) => r.profile.startsWith(ENCLOSURE_PROFILE_PREFIX));
    if (enclosure) entries.push({ episode, enclosure });
  }
  return buildPodcastFeed({
    show,
    entries,
    feedUrl: feedUrlFor(deps.publicUrl, show.slug),
    mediaUrl: (key) => mediaUrl(deps.publicUrl, key),
  });
}

export function feedsRouter(deps: FeedDeps): Router {
  const router = Router();
  const serve = async (req: Request, res: Response) => {
    const slug = slugSchema.safeParse(req.params.slug);
    const xml = slug.success ? await renderShowFeed(deps, slug.data) : null;
    if (xml === null) throw notFound('Feed', `No show has the slug "${String(req.params.slug)}".`);
    const body = Buffer.from(xml, 'utf8');
    res.set({
      'Content-Type': 'application/rss+xml; charset=utf-8',
      'Cache-Control': 'public, max-age=60',
      ETag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
      'Access-Control-Allow-Origin': '*',
    });
    if (req.fresh) {
      res.status(304).end();
      return;
    }
    res.set('Content-Length', String(body.length));
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    res.end(body);
  };
  router.get('/feeds/:slug.xml', serve);
  router.head('/feeds/:slug.xml', serve);
  return router;
}
