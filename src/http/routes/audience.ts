/**
 * Editor API for audience reports: a show's, an episode's, and a show's articles',
 * over a range of UTC days, as JSON or as CSV for a spreadsheet.
 *
 * CSV: UTF-8 with a byte order mark and `;` between fields by default, because a
 * double-clicked file must open right in Excel set up in French: without the BOM Excel
 * reads the bytes as Windows-1252 (« é » breaks), and its French list separator is `;`
 * (the comma is the decimal mark). `separator=comma` gives RFC 4180 commas for other tools.
 */
import { Router, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import { rangeQuerySchema, resolveRange, type DayRange } from '../../core/audience-range.js';
import type { CsvSeparator } from '../../core/csv.js';
import { validationFailed } from '../../core/errors.js';
import { episodeIdSchema, slugSchema } from '../../core/schemas.js';
import type { AudienceReportService } from '../../services/audience-reports.js';
import { parseOr400, pathParam } from '../middleware/validate.js';
import { defineOperation, reply, route } from '../openapi/operation.js';
import { articlesCsv, breakdownCsv } from '../representations/audience-csv.js';
import {
  articlesAudienceJson,
  articlesAudienceSchema,
  episodeAudienceJson,
  episodeAudienceSchema,
  showAudienceJson,
  showAudienceSchema,
} from '../representations/audience.js';

const separator = z
  .enum(['semicolon', 'comma'])
  .default('semicolon')
  .describe('Between fields: `;` for Excel in French (default), `,` for RFC 4180 tools');
const table = z
  .enum(['day', 'app', 'platform'])
  .default('day')
  .describe('One row per day of the range, per app or per platform');

export const audienceQuerySchema = rangeQuerySchema();
export const audienceCsvQuerySchema = rangeQuerySchema({ by: table, separator });
export const articlesCsvQuerySchema = rangeQuerySchema({ separator });

const RANGE_TEXT =
  'Days are UTC calendar days, `from` and `to` included; by default the last 30 days up to today; at most 366 days.';
const CSV_TEXT =
  'UTF-8 with a byte order mark, CRLF line ends, fields quoted as RFC 4180 says; text a spreadsheet would read as a formula starts with an apostrophe.';
const csvResponse = { description: 'A CSV file (attachment)', mediaType: 'text/csv' } as const;

export const AUDIENCE_OPERATIONS = {
  show: defineOperation({
    method: 'get',
    path: '/api/shows/:slug/audience',
    tag: 'Audience',
    summary: 'A show’s downloads and listens per day, app and platform, and its top episodes',
    description: RANGE_TEXT,
    access: 'editor',
    query: audienceQuerySchema,
    responses: { 200: { description: 'The report', schema: showAudienceSchema } },
    errors: [404],
  }),
  showCsv: defineOperation({
    method: 'get',
    path: '/api/shows/:slug/audience.csv',
    tag: 'Audience',
    summary: 'A show’s audience as CSV: per day, per app or per platform',
    description: `${RANGE_TEXT} ${CSV_TEXT}`,
    access: 'editor',
    query: audienceCsvQuerySchema,
    responses: { 200: csvResponse },
    errors: [404],
  }),
  episode: defineOperation({
    method: 'get',
    path: '/api/episodes/:id/audience',
    tag: 'Audience',
    summary: 'An episode’s downloads and listens per day, app and platform',
    description: RANGE_TEXT,
    access: 'editor',
    query: audienceQuerySchema,
    responses: { 200: { description: 'The report', schema: episodeAudienceSchema } },
    errors: [404],
  }),
  episodeCsv: defineOperation({
    method: 'get',
    path: '/api/episodes/:id/audience.csv',
    tag: 'Audience',
    summary: 'An episode’s audience as CSV: per day, per app or per platform',
    description: `${RANGE_TEXT} ${CSV_TEXT}`,
    access: 'editor',
    query: audienceCsvQuerySchema,
    responses: { 200: csvResponse },
    errors: [404],
  }),
  articles: defineOperation({
    method: 'get',
    path: '/api/shows/:slug/audience/articles',
    tag: 'Audience',
    summary: 'Downloads and listens per article (the episodes’ article URL)',
    description: RANGE_TEXT,
    access: 'editor',
    query: audienceQuerySchema,
    responses: { 200: { description: 'The report', schema: articlesAudienceSchema } },
    errors: [404],
  }),
  articlesCsv: defineOperation({
    method: 'get',
    path: '/api/shows/:slug/audience/articles.csv',
    tag: 'Audience',
    summary: 'Downloads and listens per article, as CSV',
    description: `${RANGE_TEXT} ${CSV_TEXT}`,
    access: 'editor',
    query: articlesCsvQuerySchema,
    responses: { 200: csvResponse },
    errors: [404],
  }),
};

const SEPARATORS: Record<'semicolon' | 'comma', CsvSeparator> = { semicolon: ';', comma: ',' };

/** The range the query asks for; the schema already refused a bad one. */
function rangeOf(query: { from?: string | undefined; to?: string | undefined }): DayRange {
  const resolved = resolveRange(query, new Date());
  // Only if midnight passed since the check, on a range at the limit.
  if ('field' in resolved) throw validationFailed([{ ...resolved, in: 'query' }]);
  return resolved.range;
}

function sendCsv(res: Response, filename: string, text: string): void {
  res
    .status(200)
    .attachment(filename)
    .set({ 'Content-Type': 'text/csv; charset=utf-8', 'Cache-Control': 'no-store' })
    .send(`\uFEFF${text}`);
}

export function audienceRouter(deps: {
  reports: AudienceReportService;
  requireEditor: RequestHandler;
}): Router {
  const router = Router();
  const ops = AUDIENCE_OPERATIONS;

  route(router, ops.show, deps.requireEditor, async (req, res) => {
    const slug = pathParam(req, 'slug', slugSchema);
    const range = rangeOf(parseOr400(audienceQuerySchema, req.query, 'query'));
    const report = await deps.reports.forShow(slug, range);
    res.set('Cache-Control', 'no-store');
    reply(res, ops.show, 200, showAudienceJson(report));
  });

  route(router, ops.showCsv, deps.requireEditor, async (req, res) => {
    const slug = pathParam(req, 'slug', slugSchema);
    const query = parseOr400(audienceCsvQuerySchema, req.query, 'query');
    const range = rangeOf(query);
    const report = await deps.reports.forShow(slug, range);
    sendCsv(
      res,
      `audience-${slug}-${query.by}-${range.from}-${range.to}.csv`,
      breakdownCsv(report, query.by, SEPARATORS[query.separator]),
    );
  });

  route(router, ops.episode, deps.requireEditor, async (req, res) => {
    const id = pathParam(req, 'id', episodeIdSchema);
    const range = rangeOf(parseOr400(audienceQuerySchema, req.query, 'query'));
    const report = await deps.reports.forEpisode(id, range);
    res.set('Cache-Control', 'no-store');
    reply(res, ops.episode, 200, episodeAudienceJson(report));
  });

  route(router, ops.episodeCsv, deps.requireEditor, async (req, res) => {
    const id = pathParam(req, 'id', episodeIdSchema);
    const query = parseOr400(audienceCsvQuerySchema, req.query, 'query');
    const range = rangeOf(query);
    const report = await deps.reports.forEpisode(id, range);
    sendCsv(
      res,
      `audience-episode-${id}-${query.by}-${range.from}-${range.to}.csv`,
      breakdownCsv(report, query.by, SEPARATORS[query.separator]),
    );
  });

  route(router, ops.articles, deps.requireEditor, async (req, res) => {
    const slug = pathParam(req, 'slug', slugSchema);
    const range = rangeOf(parseOr400(audienceQuerySchema, req.query, 'query'));
    const report = await deps.reports.forArticles(slug, range);
    res.set('Cache-Control', 'no-store');
    reply(res, ops.articles, 200, articlesAudienceJson(report));
  });

  route(router, ops.articlesCsv, deps.requireEditor, async (req, res) => {
    const slug = pathParam(req, 'slug', slugSchema);
    const query = parseOr400(articlesCsvQuerySchema, req.query, 'query');
    const range = rangeOf(query);
    const report = await deps.reports.forArticles(slug, range);
    sendCsv(
      res,
      `audience-${slug}-articles-${range.from}-${range.to}.csv`,
      articlesCsv(report, SEPARATORS[query.separator]),
    );
  });

  return router;
}
