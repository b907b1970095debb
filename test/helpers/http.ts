import http from 'node:http';

/**
 * A raw HTTP exchange: no automatic decompression (unlike fetch), so encodings
 * can be checked, and the path is sent as written (never normalised by URL
 * parsing), so `..` and `%2e%2e` reach the server.
 */
export function rawRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  const { hostname, port } = new URL(url);
  const pathStart = url.indexOf('/', url.indexOf('//') + 2);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: hostname,
        port,
        path: pathStart < 0 ? '/' : url.slice(pathStart),
        method: options.method ?? 'GET',
        headers: options.headers ?? {},
        ...(options.timeoutMs ? { timeout: options.timeoutMs } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer in ${options.timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}
