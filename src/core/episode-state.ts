/**
 * The episode life cycle, in one place.
 *
 *   uploaded → processing → ready → published ⇄ unpublished
 *                  │          └──→ scheduled → published
 *                  └→ failed → processing (retry or reprocess)
 *
 * Editors publish now (→ published), schedule (→ scheduled, again to move the
 * time), or unpublish (published or scheduled → unpublished).
 */
export const EPISODE_STATES = [
  'uploaded',
  'processing',
  'ready',
  'scheduled',
  'published',
  'unpublished',
  'failed',
] as const;

export type EpisodeState = (typeof EPISODE_STATES)[number];

const TRANSITIONS: Readonly<Record<EpisodeState, readonly EpisodeState[]>> = {
  uploaded: ['processing', 'failed'],
  // processing → processing: a retried or redelivered job starts again.
  processing: ['processing', 'ready', 'failed'],
  ready: ['published', 'scheduled', 'processing'],
  // scheduled → scheduled: the editor moves the time.
  scheduled: ['published', 'scheduled', 'ready', 'unpublished'],
  published: ['unpublished'],
  unpublished: ['published', 'scheduled', 'processing'],
  failed: ['processing'],
};

export function canTransition(from: EpisodeState, to: EpisodeState): boolean {
  return TRANSITIONS[from].includes(to);
}

export class IllegalTransitionError extends Error {
  constructor(
    readonly from: EpisodeState,
    readonly to: EpisodeState,
  ) {
    super(`An episode cannot go from "${from}" to "${to}"`);
    this.name = 'IllegalTransitionError';
  }
}

export function assertTransition(from: EpisodeState, to: EpisodeState): void {
  if (!canTransition(from, to)) throw new IllegalTransitionError(from, to);
}

/** States in which the episode's audio is ready to be heard. */
export const PLAYABLE_STATES: readonly EpisodeState[] = [
  'ready',
  'scheduled',
  'published',
  'unpublished',
];

/** States that put an item in the public feed. */
export const FEED_STATES: readonly EpisodeState[] = ['published'];

/** Editor actions on publication, and the state each one leads to. */
export type PublicationAction = 'publish' | 'schedule' | 'unpublish';

const ACTION_TARGET: Readonly<Record<PublicationAction, EpisodeState>> = {
  publish: 'published',
  schedule: 'scheduled',
  unpublish: 'unpublished',
};

/** The state an action leads to from `from`, or null when the action is not possible there. */
export function publicationTarget(
  from: EpisodeState,
  action: PublicationAction,
): EpisodeState | null {
  const to = ACTION_TARGET[action];
  return canTransition(from, to) ? to : null;
}
