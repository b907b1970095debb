import { UnrecoverableError, type Job } from 'bullmq';
import type { WebSubPingPayload } from '../../src/core/jobs.js';
import { SafeFetchError } from '../../src/net/fetch-error.js';
import type { WebSubPublisher } from '../../src/services/websub.js';

export interface WebSubPingDeps {
  /** Absent without WEBSUB_HUB_URL: a ping left queued by an earlier run does nothing. */
  readonly websub?: Pick<WebSubPublisher, 'ping'> | undefined;
}

/**
 * Tells the hub the show's feeds changed. A hub that answers badly or not at
 * all is tried again (BullMQ's backoff); a hub whose address is refused is not:
 * the job fails at once, saying why and what allows it.
 */
export function makeWebSubPing(deps: WebSubPingDeps) {
  return async (job: Job<WebSubPingPayload>) => {
    if (!deps.websub) return { feeds: [] };
    try {
      return await deps.websub.ping(job.data.showId);
    } catch (error) {
      if (error instanceof SafeFetchError && error.kind === 'refused') {
        const refusal = new UnrecoverableError(
          `The WebSub hub was not pinged: ${error.message}. ` +
            'Set WEBSUB_ALLOW_PRIVATE=true if the hub is on your own network.',
        );
        throw Object.assign(refusal, { cause: error });
      }
      if (error instanceof SafeFetchError) {
        throw new Error(`The WebSub hub was not told of the change: ${error.message}.`, {
          cause: error,
        });
      }
      throw error;
    }
  };
}
