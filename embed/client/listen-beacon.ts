/**
 * Player listens for the newsroom's audience figures (docs/privacy.md): a play
 * started, 30 seconds heard, the end reached, each sent once per page with
 * navigator.sendBeacon to the URL the page gives (data-listens). No cookie, no
 * identifier: the server counts a milestone once per listener and day.
 */

type Milestone = 'started' | 'heard-30s' | 'completed';

/** Seconds of audio actually played (seeking adds nothing) before "heard-30s". */
const HEARD_SECONDS = 30;

export function reportListens(root: HTMLElement, audio: HTMLAudioElement): void {
  const url = root.dataset.listens;
  const episodeId = root.dataset.episode;
  if (!url || !episodeId || typeof navigator.sendBeacon !== 'function') return;
  const sent = new Set<Milestone>();
  const send = (milestone: Milestone) => {
    if (sent.has(milestone)) return;
    sent.add(milestone);
    const body = new Blob([JSON.stringify({ episodeId, milestone })], {
      type: 'application/json',
    });
    navigator.sendBeacon(url, body);
  };

  let heard = 0;
  let last: number | null = null;
  audio.addEventListener('play', () => {
    send('started');
    last = audio.currentTime;
  });
  audio.addEventListener('seeking', () => (last = null));
  audio.addEventListener('timeupdate', () => {
    const now = audio.currentTime;
    // Forward steps while playing are listening (seeks reset `last`); a step longer
    // than timeupdate's rhythm at this speed is a jump, not listening.
    const step = now - (last ?? now);
    if (!audio.paused && step > 0 && step < 2 * Math.max(1, audio.playbackRate)) heard += step;
    last = now;
    if (heard >= HEARD_SECONDS) send('heard-30s');
  });
  audio.addEventListener('ended', () => send('completed'));
}
