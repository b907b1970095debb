/**
 * Where HTTP meets audience counting: the caller's address and agent go to the
 * recorder (which keeps only a keyed hash of them), and counting never delays
 * nor breaks the answer: it runs after, and a failure is logged without the
 * request's address (docs/privacy.md).
 */
import type { Request } from 'express';
import { PLAYER_MARK } from '../core/urls.js';
import type { Logger } from '../core/logger.js';
import type { AudienceRecorder, Requester } from '../services/audience.js';

/** The caller as counting sees it: the address Express trusts (TRUST_PROXY) and the agent. */
export const requesterOf = (req: Request): Requester => ({
  ip: req.ip ?? req.socket.remoteAddress ?? '',
  userAgent: req.get('user-agent'),
});

/** What /media and the counting redirect call for a GET of a published file. */
export type DownloadCounter = (req: Request, storageKey: string) => void;

/**
 * A counter that records in the background: the answer never waits for Redis
 * (only the agent's classification runs before it); errors are logged by kind only.
 */
export function downloadCounter(recorder: AudienceRecorder, logger: Logger): DownloadCounter {
  return (req, storageKey) => {
    if (req.method !== 'GET') return;
    const input = {
      storageKey,
      range: req.get('range'),
      who: requesterOf(req),
      fromPlayer: req.query[PLAYER_MARK.name] === PLAYER_MARK.value,
    };
    recorder.inBackground(recorder.download(input), (error) => logCountingError(logger, error));
  };
}

/** The error's name and message only: never the request, whose address is personal data. */
export function logCountingError(logger: Logger, error: unknown): void {
  const e = error instanceof Error ? error : new Error(String(error));
  logger.warn(
    { error: { name: e.name, message: e.message } },
    'audience: a request was not counted',
  );
}
