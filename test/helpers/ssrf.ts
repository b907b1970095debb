/**
 * Real sockets for the SSRF tests: a loopback listener that records every
 * connection it gets (the proof that a refused target was never contacted), a
 * port where nothing listens, and an "allowed" upstream on 127.0.0.2 that
 * redirects, stalls, trickles or floods on demand.
 */
import fs from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import { image } from '../fixtures/images.js';

export interface ConnectionRecorder {
  readonly port: number;
  /** Remote addresses of the connections received, in order. */
  readonly connections: string[];
  close(): Promise<void>;
}

/** Listens on [::]:port, dual stack: 127.0.0.1, ::1, 0.0.0.0 and the host's own addresses reach it. */
export async function recordConnections(): Promise<ConnectionRecorder> {
  const connections: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    connections.push(socket.remoteAddress ?? '?');
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    // Answer like an HTTP service would, so a leak would show in the response too.
    socket.end(
      'HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: 11\r\n\r\nINTERNAL OK',
    );
  });
  await new Promise<void>((resolve) =>
    server.listen({ port: 0, host: '::', ipv6Only: false }, resolve),
  );
  return {
    port: (server.address() as net.AddressInfo).port,
    connections,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A port that was free a moment ago and where nothing listens. */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface Upstream {
  /** http://127.0.0.2:port */
  readonly origin: string;
  /** Requests whose connection was closed before their answer was complete. */
  readonly cutOff: string[];
  /** Bytes the flooding routes managed to write before the client went away. */
  readonly sentBytes: Map<string, number>;
  close(): Promise<void>;
}

/**
 * The allowed test upstream on 127.0.0.2 (so that allowing it does not allow
 * 127.0.0.1, where the recorder listens). Routes:
 * /redirect?to=URL (302), /page (an HTML page), /artwork.jpg (1400×1400 JPEG),
 * /silent (headers never sent), /trickle (one byte every 200 ms, forever),
 * /flood (64 KiB chunks without Content-Length, forever), /declared (Content-Length: 64 MiB).
 */
export async function startUpstream(): Promise<Upstream> {
  const artwork = await fs.readFile(await image(1400, 1400, 'jpg'));
  const cutOff: string[] = [];
  const sentBytes = new Map<string, number>();
  const timers = new Set<NodeJS.Timeout>();
  const server = http.createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    res.on('close', () => {
      if (!res.writableFinished) cutOff.push(u.pathname);
    });
    switch (u.pathname) {
      case '/redirect':
        res.writeHead(302, { location: u.searchParams.get('to') ?? '/' }).end();
        return;
      case '/page':
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end('<html><head><title>Page « autorisée »</title></head></html>');
        return;
      case '/artwork.jpg':
        res
          .writeHead(200, { 'content-type': 'image/jpeg', 'content-length': artwork.length })
          .end(req.method === 'HEAD' ? undefined : artwork);
        return;
      case '/silent':
        return; // never answers
      case '/trickle': {
        res.writeHead(200, { 'content-type': 'text/html' });
        const timer = setInterval(() => res.write('x'), 200);
        timers.add(timer);
        res.on('close', () => clearInterval(timer));
        return;
      }
      case '/flood': {
        res.writeHead(200, { 'content-type': 'image/jpeg' });
        const chunk = Buffer.alloc(64 * 1024, 0x41);
        let sent = 0;
        const pump = () => {
          while (!res.destroyed && res.write(chunk)) sent += chunk.length;
          sentBytes.set(u.pathname, sent);
        };
        res.on('drain', pump);
        res.on('close', () => sentBytes.set(u.pathname, sent));
        pump();
        return;
      }
      case '/declared':
        res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': 64 * 1024 * 1024 });
        res.write(Buffer.alloc(1024));
        return;
      default:
        res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.2', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    origin: `http://127.0.0.2:${port}`,
    cutOff,
    sentBytes,
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearInterval(t);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Waits (polling) until `condition` holds, or fails after `ms`. */
export async function eventually(condition: () => boolean, ms: number, what: string) {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * URLs that must never be fetched under the default policy, each on `port`:
 * loopback in every spelling the URL parser accepts, private, link-local and
 * shared ranges, and the IPv6 forms that embed a loopback IPv4 address.
 */
export function ssrfTargets(port: number): string[] {
  return [
    `http://127.0.0.1:${port}/`,
    `http://localhost:${port}/`,
    `http://ssrf-test.localhost:${port}/`,
    `http://[::1]:${port}/`,
    `http://[::127.0.0.1]:${port}/`,
    `http://[::ffff:127.0.0.1]:${port}/`,
    `http://[::ffff:7f00:1]:${port}/`,
    `http://0.0.0.0:${port}/`,
    `http://[::]:${port}/`,
    `http://2130706433:${port}/`,
    `http://0x7f.1:${port}/`,
    `http://017700000001:${port}/`,
    `http://127.1:${port}/`,
    `http://10.0.0.1:${port}/`,
    `http://172.16.0.1:${port}/`,
    `http://192.168.0.1:${port}/`,
    `http://169.254.169.254:${port}/latest/meta-data/`,
    `http://100.64.0.1:${port}/`,
    `http://[fc00::1]:${port}/`,
    `http://[fd00::1]:${port}/`,
    `http://[fe80::1]:${port}/`,
    `http://[2002:7f00:1::]:${port}/`,
    `http://[64:ff9b::7f00:1]:${port}/`,
    `http://[2001:0:7f00:1::]:${port}/`,
    `https://127.0.0.1:${port}/`,
  ];
}

/** The three sockets an SSRF suite works against, ready once its `before` hooks have run. */
export interface SsrfSockets {
  readonly recorder: ConnectionRecorder;
  readonly upstream: Upstream;
  /** A port where nothing listens. */
  readonly closed: number;
}

/** Registers mocha hooks that open the recorder, the upstream and a closed port before the suite and close them after. */
export function useSsrfSockets(): SsrfSockets {
  const sockets = {} as { recorder: ConnectionRecorder; upstream: Upstream; closed: number };
  before(async () => {
    sockets.recorder = await recordConnections();
    sockets.upstream = await startUpstream();
    sockets.closed = await closedPort();
  });
  after(async () => {
    await sockets.recorder?.close();
    await sockets.upstream?.close();
  });
  return sockets;
}
