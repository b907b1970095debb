/**
 * The HTTP server around the app: Node's own limits on headers, a clock on every
 * request body (src/http/body-timeouts.ts) and readable early refusals
 * (src/http/lingering-close.ts).
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import { startBodyClock, type BodyTimeouts } from './body-timeouts.js';
import { lingerAfterEarlyAnswer } from './lingering-close.js';

/** Request line and headers: a client that has not sent them in 20 s is cut (Node: 60 s). */
const HEADERS_TIMEOUT_MS = 20_000;
/** How often Node checks that timeout (Node: 30 s, which would let headers take 50 s). */
const CONNECTIONS_CHECKING_INTERVAL_MS = 2_000;

export function createHttpServer(handler: RequestListener, limits: BodyTimeouts): Server {
  return createServer(
    {
      headersTimeout: HEADERS_TIMEOUT_MS,
      // Off: it would apply one deadline to JSON bodies and to hours-long uploads
      // alike. The body clocks do it per request.
      requestTimeout: 0,
      connectionsCheckingInterval: CONNECTIONS_CHECKING_INTERVAL_MS,
    },
    (req, res) => {
      const clock = startBodyClock(req, res, limits);
      lingerAfterEarlyAnswer(req, res, { closeAtOnce: () => clock.timedOut });
      handler(req, res);
    },
  );
}
