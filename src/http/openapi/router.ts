import { Router } from 'express';
import { buildOpenApiDocument } from './document.js';
import { renderDocsPage } from './docs-page.js';
import { publicRoute } from '../access.js';

export function openApiRouter(deps: { publicUrl: string }): Router {
  const router = Router();
  const doc = buildOpenApiDocument(deps.publicUrl);
  const json = JSON.stringify(doc);
  const page = renderDocsPage(doc);

  router.get('/api/openapi.json', publicRoute('the API description, no data'), (_req, res) => {
    res.set({ 'Access-Control-Allow-Origin': '*', 'Cache-Control': 'public, max-age=300' });
    res.type('application/json; charset=utf-8').send(json);
  });

  router.get('/api/docs', publicRoute('the API description, no data'), (_req, res) => {
    res.set({
      'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'",
      'X-Content-Type-Options': 'nosniff',
    });
    res.type('text/html; charset=utf-8').send(page);
  });
  return router;
}
