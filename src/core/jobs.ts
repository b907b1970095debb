import { z } from 'zod';

/** Queues are kinds of work with their own concurrency; jobs carry IDs, never file contents. */
export const QUEUES = { audio: 'audio', feeds: 'feeds', audience: 'audience' } as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

export const processAudioPayload = z.object({
  episodeId: z.string().min(1).max(64),
});
export type ProcessAudioPayload = z.infer<typeof processAudioPayload>;

export const makeClipPayload = z.object({
  clipId: z.string().min(1).max(64),
});
export type MakeClipPayload = z.infer<typeof makeClipPayload>;

/** A correction of an episode's audio (issue 13): one version, processed then swapped in. */
export const correctAudioPayload = z.object({
  versionId: z.string().min(1).max(64),
});
export type CorrectAudioPayload = z.infer<typeof correctAudioPayload>;

/** A delayed job that publishes a scheduled episode at its time (`at`, ms since epoch). */
export const publishEpisodePayload = z.object({
  episodeId: z.string().min(1).max(64),
  at: z.number().int().min(0),
});
export type PublishEpisodePayload = z.infer<typeof publishEpisodePayload>;

/** A repeating job (a BullMQ job scheduler) that removes resumable uploads past their expiry. */
export const sweepUploadsPayload = z.object({});
export type SweepUploadsPayload = z.infer<typeof sweepUploadsPayload>;
/** The scheduled batch that adds buffered audience events to the database (no payload). */
export const aggregateAudiencePayload = z.object({}).strict();

/** Its BullMQ job scheduler's id: one schedule, whichever process sets it. */
export const AUDIENCE_SCHEDULER_ID = 'aggregate-audience';

/** Tells the WebSub hub that the show's feeds changed (coalesced per show: see services/websub.ts). */
export const websubPingPayload = z.object({
  showId: z.string().min(1).max(64),
});
export type WebSubPingPayload = z.infer<typeof websubPingPayload>;

export const JOB_PAYLOADS = {
  'process-audio': processAudioPayload,
  'make-clip': makeClipPayload,
  'correct-audio': correctAudioPayload,
  'publish-episode': publishEpisodePayload,
  'sweep-uploads': sweepUploadsPayload,
  'aggregate-audience': aggregateAudiencePayload,
  'websub-ping': websubPingPayload,
} as const;

export type JobName = keyof typeof JOB_PAYLOADS;
export type PayloadOf<N extends JobName> = z.infer<(typeof JOB_PAYLOADS)[N]>;

/** Which queue carries which job. */
export const JOB_QUEUE: Readonly<Record<JobName, QueueName>> = {
  'process-audio': QUEUES.audio,
  'make-clip': QUEUES.audio,
  'correct-audio': QUEUES.audio,
  // Its own queue: a publication is never stuck behind a long encode.
  'publish-episode': QUEUES.feeds,
  // Short housekeeping: with the publications, never behind an encode.
  'sweep-uploads': QUEUES.feeds,
  // Its own queue: a batch of counts never waits behind an encode.
  'aggregate-audience': QUEUES.audience,
  // Short network calls, with the publications: never behind an encode.
  'websub-ping': QUEUES.feeds,
};

/** What a job is about, by job name: the part of its id that tells two jobs of one kind apart. */
const JOB_SUBJECT: { readonly [N in JobName]: (payload: PayloadOf<N>) => string } = {
  'process-audio': (p) => p.episodeId,
  'make-clip': (p) => p.clipId,
  // Its revision is the version's number.
  'correct-audio': (p) => p.versionId,
  // Its revision is the scheduled time, so moving it makes a new job.
  'publish-episode': (p) => p.episodeId,
  'sweep-uploads': () => 'all',
  'aggregate-audience': () => 'batch',
  // Its revision is the coalescing window, so changes within one window make one ping.
  'websub-ping': (p) => p.showId,
};

/**
 * Stable job ids make enqueueing idempotent (BullMQ refuses a second job with the
 * same id while the first exists). No ':' and not only digits, as BullMQ requires.
 */
export function jobIdFor<N extends JobName>(name: N, payload: PayloadOf<N>, revision = 0): string {
  const subject = JOB_SUBJECT[name] as (payload: PayloadOf<N>) => string;
  return `${name}-${subject(payload)}-r${revision}`;
}

/** The revision a job was enqueued for, read back from its id (see `jobIdFor`). */
export function revisionOf(jobId: string | undefined): number | null {
  const match = /-r(\d+)$/.exec(jobId ?? '');
  return match ? Number(match[1]) : null;
}
