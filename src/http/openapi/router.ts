import { Router } from 'express';
import { buildOpenApiDocument } from './document.js';
import { renderDocsPage } from './docs-page.js';
import { publicRoute } from '../access.js';
import { route } from './operation.js';
import { DOCUMENTATION_OPERATIONS } from './operations.js';

export function openApiRouter(deps: { publicUrl: string }): Router {
  const router = Router();
  const doc = buildOpenApiDocument(deps.publicUrl);
  // Built and checked against its schema once; served as the same bytes.
  const json = JSON.stringify(doc);
  const page = renderDocsPage(doc);

  route(
    router,
    DOCUMENTATION_OPERATIONS.document,
    publicRoute('the API description, no data'),
    (_req, res) => {
      res.set({ 'Access-Control-Allow-Origin': '*', 'Cache-Control': 'public, max-age=300' });
      res.type('application/json; charset=utf-8').send(json);
    },
  );

  route(
    router,
    DOCUMENTATION_OPERATIONS.page,
    publicRoute('the API description, no data'),
    (_req, res) => {
      res.set({
        'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'",
        'X-Content-Type-Options': 'nosniff',
      });
      res.type('text/html; charset=utf-8').send(page);
    },
  );
  return router;
}
