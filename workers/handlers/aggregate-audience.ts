import type { AudienceAggregator } from '../../src/services/audience.js';

export interface AggregateAudienceDeps {
  /** Absent when AUDIENCE=off: the job (left scheduled by an earlier run) does nothing. */
  readonly audienceAggregator?: Pick<AudienceAggregator, 'run'> | undefined;
}

/** The scheduled batch: adds the events Redis buffered to the daily audience rows. */
export function makeAggregateAudience(deps: AggregateAudienceDeps) {
  return async () => ({ added: (await deps.audienceAggregator?.run()) ?? 0 });
}
