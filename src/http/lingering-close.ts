/**
 * Early answers stay readable. When a response goes out before the request body
 * has been read (401, 404, 413, 415…), Node closes the connection at once, and the
 * client, still sending, gets a TCP reset that can wipe our answer before it reads
 * it: `fetch` fails with EPIPE instead of showing the 401 (RFC 9112 §9.6, "the TCP
 * reset problem"). So, as nginx's lingering close does, such a response says
 * `Connection: close` (the connection is not reused after a refused body), and once
 * it is sent we half-close and read and discard the rest of the body, within bounds,
 * before closing.
 *
 * The bounds, whichever comes first: 5 s in all (nginx waits 5 s between reads,
 * `lingering_timeout`), ample for a client to read an answer already in its socket;
 * 64 MiB, enough for a client that reads only once it has sent everything to finish
 * an ordinary interview upload on a fast link, while a refused upload of gigabytes
 * costs at most that much reading.
 */
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { hasBody } from './body-timeouts.js';

export const LINGER = { maxMs: 5_000, maxBytes: 64 * 1024 * 1024 } as const;

export function lingerAfterEarlyAnswer(
  req: IncomingMessage,
  res: ServerResponse,
  options: {
    /** True when the connection should close at once (a client that ran out of time). */
    closeAtOnce: () => boolean;
  },
): void {
  if (!hasBody(req)) return;
  const writeHead = res.writeHead.bind(res) as (
    status: number,
    ...rest: (string | OutgoingHttpHeaders | undefined)[]
  ) => ServerResponse;
  // Every response passes here before its headers are written (end() and send() too).
  res.writeHead = ((status: number, ...rest: (string | OutgoingHttpHeaders | undefined)[]) => {
    if (!req.complete && !options.closeAtOnce()) {
      res.setHeader('Connection', 'close');
      lingerOnClose(req);
    }
    return writeHead(status, ...rest);
  }) as ServerResponse['writeHead'];
}

/**
 * Node ends a `Connection: close` exchange with `socket.destroySoon()` (end, then
 * destroy). On this one socket, the destroy waits for the rest of the body instead.
 *
 * The body is read from here on by our own listener, not dumped by Node: a dumped
 * body is thrown away before any listener sees it, so its size could only be
 * polled, and a fast client sends tens of MiB between two polls. Counting each
 * chunk stops at the byte bound exactly, however busy the machine.
 */
function lingerOnClose(req: IncomingMessage): void {
  const socket = req.socket;
  let read = 0;
  req.on('data', (chunk: Buffer) => {
    read += chunk.length;
    if (read > LINGER.maxBytes) socket.destroy();
  });
  // Flowing from now on: Node sees the body being consumed and does not dump it.
  req.resume();
  socket.destroySoon = () => {
    socket.end();
    const deadline = setTimeout(() => socket.destroy(), LINGER.maxMs);
    socket.once('close', () => clearTimeout(deadline));
    // Body read whole: close once our answer has been flushed, as Node would have.
    const close = () =>
      socket.writableFinished ? socket.destroy() : socket.once('finish', () => socket.destroy());
    if (req.readableEnded) return close();
    req.once('end', close);
  };
}
