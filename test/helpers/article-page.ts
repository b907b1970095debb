import http from 'node:http';

/** A newsroom article page with French JSON-LD, OpenGraph and <meta>, as a CMS renders it. */
export const ARTICLE_HTML = `<!doctype html>
<html lang="fr-FR"><head><meta charset="utf-8">
<title>Titre de repli | Normandie Actu</title>
<meta name="description" content="Description meta de repli">
<meta property="og:title" content="Titre OpenGraph">
<meta property="og:site_name" content="Normandie Actu">
<meta property="og:image" content="/images/team-normandie.jpg">
<meta property="article:section" content="Numérique">
<meta property="article:tag" content="Caen">
<script type="application/ld+json">
{"@context":"https://schema.org","@graph":[
 {"@type":"WebSite","name":"Normandie Actu"},
 {"@type":"NewsArticle",
  "headline":"La Team Normandie « chef de file » du numérique",
  "description":"Entretien avec la secrétaire d&#8217;État chargée du numérique, à Caen.",
  "author":[{"@type":"Person","name":"Marie Lefèvre"},{"@type":"Person","name":"Théo Doré"}],
  "datePublished":"2018-05-31T09:30:00+02:00",
  "articleSection":["Événements","Thématiques Normandie Numérique"],
  "image":{"@type":"ImageObject","url":"https://example.org/images/une.jpg"},
  "inLanguage":"fr-FR",
  "publisher":{"@type":"Organization","name":"Normandie Actu"},
  "url":"https://example.org/2018/05/31/la-team-normandie"}
]}
</script></head><body><h1>La Team Normandie</h1></body></html>`;

/** Serves the article page (and a redirect to it) on 127.0.0.1; `redirectTo` answers 302 elsewhere. */
export async function serveArticle(
  html = ARTICLE_HTML,
): Promise<{ url: string; origin: string; port: number; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    if (u.pathname === '/redirect') {
      res.writeHead(302, { location: u.searchParams.get('to') ?? '/' }).end();
      return;
    }
    if (u.pathname === '/big') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<p>' + 'x'.repeat(3 * 1024 * 1024) + '</p>');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const origin = `http://127.0.0.1:${port}`;
  return {
    url: `${origin}/2018/05/31/la-team-normandie`,
    origin,
    port,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
