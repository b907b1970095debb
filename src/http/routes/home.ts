import { Router } from 'express';
import { publicRoute } from '../access.js';

/** A static page (nothing interpolated): where to go from the server's root. */
const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Antenne</title>
<style>body{font:1rem/1.5 system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem}</style>
</head>
<body>
<h1>Antenne</h1>
<p>Publishes a newsroom’s audio interviews as a podcast.</p>
<ul>
<li><a href="/studio">The studio</a>: sign in to upload, publish and cut clips.</li>
<li><a href="/api/docs">The API reference</a> (<a href="/api/openapi.json">OpenAPI 3.1</a>).</li>
<li>Each show’s podcast feed is at <code>/feeds/&lt;slug&gt;.xml</code>.</li>
</ul>
</body>
</html>
`;

/** `GET /`: a visitor who types the server's address learns where the studio, API and feeds are. */
export function homeRouter(): Router {
  const router = Router();
  router.get('/', publicRoute('static links, no data'), (_req, res) => {
    res.set({
      'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'",
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'public, max-age=300',
    });
    res.type('text/html; charset=utf-8').send(PAGE);
  });
  return router;
}
