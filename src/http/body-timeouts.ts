/**
 * How long a client may take to send its request body. Node's `requestTimeout`
 * covers the whole request of every route alike, so it cannot give a JSON body a
 * few seconds and a 2 GiB upload hours; it stays off, and each request that has a
 * body gets one of two clocks here:
 *
 * - a deadline (every route): the whole body within `bodyTimeoutMs`;
 * - an idle timeout (streamed uploads): no byte for `idleTimeoutMs`. A route
 *   switches to it with `allowSlowBody`, after it has authorised the caller, so an
 *   anonymous client never gets more than the deadline.
 *
 * A client that runs out of time gets a 408 problem when nothing was answered yet,
 * and its connection is closed; whatever was reading the body then sees the request
 * aborted (multer removes a partial file, the upload middleware the rest).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppError } from '../core/errors.js';
import { PROBLEM_CONTENT_TYPE, problemBody } from './middleware/problem.js';

export interface BodyTimeouts {
  readonly bodyTimeoutMs: number;
  readonly idleTimeoutMs: number;
}

export interface BodyClock {
  /** True once this request was answered 408 (its connection then closes without lingering). */
  readonly timedOut: boolean;
}

/** A request announces a body by its length or by chunked transfer. */
export function hasBody(req: IncomingMessage): boolean {
  return (
    req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0
  );
}

/** A client that stops answering 408 within a second of its answer is cut anyway. */
const CLOSE_AFTER_408_MS = 1_000;

const idleSwitches = new WeakMap<IncomingMessage, () => void>();

/** Starts the deadline of a request's body; stops when the body is in or the answer is sent. */
export function startBodyClock(
  req: IncomingMessage,
  res: ServerResponse,
  limits: BodyTimeouts,
): BodyClock {
  const clock = { timedOut: false };
  if (!hasBody(req)) return clock;
  const socket = req.socket;
  let timer: NodeJS.Timeout | undefined;
  const stop = () => {
    clearTimeout(timer);
    clearInterval(timer);
    timer = undefined;
    // A keep-alive connection carries many requests: leave nothing behind on it.
    socket.off('close', stop);
  };
  // After an early answer the lingering close has its own bounds.
  const over = () => req.complete || res.writableEnded || socket.destroyed;
  const expire = (detail: string) => {
    stop();
    clock.timedOut = true;
    answerTimeout(req, res, detail);
  };

  timer = setTimeout(() => {
    if (over()) return stop();
    expire(
      `The whole request body must arrive within ${seconds(limits.bodyTimeoutMs)}; it was still incomplete.`,
    );
  }, limits.bodyTimeoutMs).unref();
  req.once('end', stop);
  res.once('finish', stop);
  socket.once('close', stop);

  idleSwitches.set(req, () => {
    if (timer === undefined || clock.timedOut) return;
    stop();
    // Progress is any byte off the wire; bytes we have not read yet (the disk is
    // slower than the client) are our delay, not the client's silence.
    let lastBytes = socket.bytesRead;
    let lastProgress = Date.now();
    const tick = Math.min(1_000, Math.max(50, limits.idleTimeoutMs / 4));
    timer = setInterval(() => {
      if (over()) return stop();
      if (socket.bytesRead !== lastBytes || req.readableLength > 0) {
        lastBytes = socket.bytesRead;
        lastProgress = Date.now();
      } else if (Date.now() - lastProgress >= limits.idleTimeoutMs) {
        expire(
          `Nothing arrived for ${seconds(limits.idleTimeoutMs)}, so the upload was stopped. Send it again.`,
        );
      }
    }, tick).unref();
    socket.once('close', stop);
  });
  return clock;
}

/**
 * For routes that stream large bodies (uploads) once the caller is authorised: the
 * body may take as long as it needs while bytes keep coming.
 */
export function allowSlowBody(req: IncomingMessage): void {
  idleSwitches.get(req)?.();
}

function answerTimeout(req: IncomingMessage, res: ServerResponse, detail: string): void {
  const socket = req.socket;
  if (res.headersSent) {
    socket.destroy();
    return;
  }
  const instance = (req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url;
  const body = JSON.stringify(
    problemBody(
      new AppError(408, 'request-timeout', 'The request body arrived too slowly', detail),
      instance,
    ),
  );
  res.writeHead(408, {
    'Content-Type': PROBLEM_CONTENT_TYPE,
    'Content-Length': Buffer.byteLength(body),
    Connection: 'close',
  });
  res.end(body);
  setTimeout(() => socket.destroy(), CLOSE_AFTER_408_MS).unref();
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`;
}
