/**
 * Where HTTP meets audience counting: the caller's address and agent go to the
 * recorder (which keeps only a keyed hash of them), and counting never delays
 * nor breaks the answer: the request is only noted here, decided in a batch
 * after, and a failure is logged without any request's address (docs/privacy.md).
 */
import type { Request } from 'express';
import { PLAYER_MARK } from '../core/urls.js';
import type { AudienceRecorder, Requester } from '../services/audience.js';

/** The address Express trusts (TRUST_PROXY), or the socket's. */
const addressOf = (req: Request): string => req.ip ?? req.socket.remoteAddress ?? '';

/** The caller as counting sees it: the trusted address and the agent. */
export const requesterOf = (req: Request): Requester => ({
  ip: addressOf(req),
  userAgent: req.get('user-agent'),
});

/** What /media and the counting redirect call for a GET of a published file. */
export type DownloadCounter = (req: Request, storageKey: string) => void;

/** A counter that notes GETs for the recorder: the answer never waits for Redis. */
export function downloadCounter(recorder: AudienceRecorder): DownloadCounter {
  return (req, storageKey) => {
    if (req.method !== 'GET' || recorder.paused) return;
    // Most requests carry no query: parsed only when there is one.
    const marked = req.url.includes('?') && req.query[PLAYER_MARK.name] === PLAYER_MARK.value;
    recorder.download({
      storageKey,
      range: req.headers.range,
      ip: addressOf(req),
      userAgent: req.headers['user-agent'],
      fromPlayer: marked,
      at: recorder.clock(),
    });
  };
}
