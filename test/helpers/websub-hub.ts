/**
 * A WebSub hub for tests, on 127.0.0.1: records every publish ping, then does
 * what a hub does with one, fetching the feed it names, and keeps what it read.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Ping {
  readonly contentType: string | undefined;
  readonly mode: string | null;
  readonly url: string | null;
  /** The feed as the hub fetched it on the ping (redirects followed). */
  readonly feed: string;
}

export interface TestHub {
  readonly url: string;
  readonly pings: readonly Ping[];
  /** The first ping (already received or to come) that `match` accepts. */
  next(match: (ping: Ping) => boolean): Promise<Ping>;
  /** The hub answers the next `count` pings with this status instead of 204. */
  failNext(count: number, status: number): void;
  close(): Promise<void>;
}

export async function startTestHub(): Promise<TestHub> {
  const pings: Ping[] = [];
  const waiting: { match: (p: Ping) => boolean; resolve: (p: Ping) => void }[] = [];
  let failures = 0;
  let failStatus = 503;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (failures > 0) {
        failures -= 1;
        res.writeHead(failStatus).end();
        return;
      }
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      res.writeHead(204).end();
      const url = form.get('hub.url');
      void (url ? fetch(url).then((r) => r.text()) : Promise.resolve('')).then((feed) => {
        const ping: Ping = {
          contentType: req.headers['content-type'],
          mode: form.get('hub.mode'),
          url,
          feed,
        };
        pings.push(ping);
        for (const w of waiting.filter((w) => w.match(ping))) {
          waiting.splice(waiting.indexOf(w), 1);
          w.resolve(ping);
        }
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hub`,
    pings,
    next(match) {
      const seen = pings.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve) => waiting.push({ match, resolve }));
    },
    failNext(count, status) {
      failures = count;
      failStatus = status;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
