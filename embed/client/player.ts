/**
 * The player's script (bundled and minified by esbuild, no framework). It
 * upgrades the server-rendered <audio controls> into the full player: waveform
 * seek bar from the stored peaks, speed, chapters, following transcript,
 * share at the current time, keyboard map (Podlove's), live announcements.
 */
import { reportListens } from './listen-beacon.js';
import { clock, parseMediaFragment } from './time.js';

interface Strings {
  play: string;
  pause: string;
  playing: string;
  paused: string;
  ended: string;
  of: string;
  speedNow: string;
  chapter: string;
  copied: string;
}

interface Peaks {
  data: number[];
  length: number;
}

const SPEEDS = [0.75, 1, 1.25, 1.5, 1.75, 2];
const SKIP = 5;

function init(root: HTMLElement, ownsDocument: boolean): void {
  const $ = <T extends Element>(sel: string) => root.querySelector<T>(sel);
  const audio = $<HTMLAudioElement>('.ap-audio')!;
  const ui = $<HTMLElement>('.ap-ui')!;
  const playBtn = $<HTMLButtonElement>('.ap-play')!;
  const seek = $<HTMLInputElement>('.ap-seek')!;
  const cur = $<HTMLElement>('.ap-cur')!;
  const dur = $<HTMLElement>('.ap-dur')!;
  const speed = $<HTMLSelectElement>('.ap-speed')!;
  const live = $<HTMLElement>('.ap-live')!;
  const canvas = $<HTMLCanvasElement>('.ap-canvas')!;
  const linkBox = $<HTMLElement>('.ap-link')!;
  const linkInput = $<HTMLInputElement>('.ap-link-input')!;
  const cuesBox = $<HTMLElement>('.ap-cues');
  const t = JSON.parse(root.dataset.i18n ?? '{}') as Strings;
  const lang = root.dataset.lang ?? 'en';
  let duration = Number(root.dataset.duration) || 0;
  let stopAt: number | null = null;
  let peaks: Peaks | null = null;

  const chapters = Array.from(
    root.querySelectorAll<HTMLAnchorElement>('.ap-chapters a[data-t]'),
  ).map((el) => ({ el, start: Number(el.dataset.t), title: el.textContent?.trim() ?? '' }));
  const cues = Array.from(root.querySelectorAll<HTMLElement>('.ap-cue')).map((el) => ({
    el,
    start: Number(el.dataset.t),
    end: Number(el.dataset.e),
  }));

  reportListens(root, audio);

  // The script drives playback: the native controls give way to ours.
  audio.controls = false;
  ui.hidden = false;
  root.classList.add('ap-js');

  const announce = (message: string) => {
    live.textContent = '';
    window.setTimeout(() => (live.textContent = message), 50);
  };
  const speedText = (s: number) => `${lang === 'fr' ? String(s).replace('.', ',') : s}×`;
  const seekTo = (time: number) => {
    const target = Math.max(0, Math.min(duration || Infinity, time));
    audio.currentTime = target;
    render(target);
  };
  const toggle = () => (audio.paused ? void audio.play().catch(() => undefined) : audio.pause());
  const currentChapter = (time: number) => {
    let index = -1;
    chapters.forEach((c, i) => {
      if (c.start <= time + 0.01) index = i;
    });
    return index;
  };
  const jumpChapter = (delta: number) => {
    if (!chapters.length) return;
    const now = audio.currentTime;
    let index = currentChapter(now);
    // "Previous" restarts the current chapter unless we are at its very start.
    if (delta < 0 && index >= 0 && now - chapters[index]!.start > 2) index += 1;
    const next = chapters[Math.max(0, Math.min(chapters.length - 1, index + delta))]!;
    seekTo(next.start);
    announce(`${t.chapter} : ${next.title}`);
  };
  const setSpeed = (s: number) => {
    audio.playbackRate = s;
    speed.value = String(s);
    announce(`${t.speedNow} ${speedText(s)}`);
  };
  const stepSpeed = (delta: number) => {
    const i = SPEEDS.indexOf(audio.playbackRate);
    setSpeed(SPEEDS[Math.max(0, Math.min(SPEEDS.length - 1, (i < 0 ? 1 : i) + delta))]!);
  };

  // ---- waveform ----
  const draw = (time: number) => {
    const ratio = window.devicePixelRatio || 1;
    const w = Math.max(1, Math.round(canvas.clientWidth * ratio));
    const h = Math.max(1, Math.round(canvas.clientHeight * ratio));
    if (canvas.width !== w || canvas.height !== h) {
      canvas.width = w;
      canvas.height = h;
    }
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    ctx.clearRect(0, 0, w, h);
    const style = getComputedStyle(root);
    const played = style.getPropertyValue('--accent').trim() || '#c1121f';
    const rest = style.getPropertyValue('--wave').trim() || '#999';
    const bar = 2 * ratio;
    const gap = ratio;
    const bars = Math.floor(w / (bar + gap));
    const split = duration ? (time / duration) * w : 0;
    for (let i = 0; i < bars; i++) {
      let amp = 0.02;
      if (peaks && peaks.length) {
        const from = Math.floor((i / bars) * peaks.length);
        const to = Math.max(from + 1, Math.floor(((i + 1) / bars) * peaks.length));
        for (let p = from; p < to && p < peaks.length; p++) {
          const v =
            Math.max(Math.abs(peaks.data[2 * p] ?? 0), Math.abs(peaks.data[2 * p + 1] ?? 0)) / 128;
          if (v > amp) amp = v;
        }
      }
      const x = i * (bar + gap);
      const bh = Math.max(ratio, amp * h);
      ctx.fillStyle = x < split ? played : rest;
      ctx.fillRect(x, (h - bh) / 2, bar, bh);
    }
  };

  const render = (time = audio.currentTime) => {
    cur.textContent = clock(time);
    seek.value = String(time);
    seek.setAttribute('aria-valuetext', `${clock(time)} ${t.of} ${clock(duration)}`);
    const ci = currentChapter(time);
    chapters.forEach((c, i) =>
      i === ci ? c.el.setAttribute('aria-current', 'true') : c.el.removeAttribute('aria-current'),
    );
    followTranscript(time);
    draw(time);
  };

  // ---- transcript that follows playback (unless the reader is scrolling it) ----
  let activeCue: HTMLElement | null = null;
  let userScrollUntil = 0;
  cuesBox?.addEventListener('wheel', () => (userScrollUntil = Date.now() + 4000), {
    passive: true,
  });
  cuesBox?.addEventListener('touchmove', () => (userScrollUntil = Date.now() + 4000), {
    passive: true,
  });
  const followTranscript = (time: number) => {
    if (!cuesBox) return;
    const cue = cues.find((c) => time >= c.start && time < c.end) ?? null;
    const el = cue?.el ?? null;
    if (el === activeCue) return;
    activeCue?.removeAttribute('aria-current');
    activeCue = el;
    if (!el) return;
    el.setAttribute('aria-current', 'true');
    if (Date.now() > userScrollUntil)
      cuesBox.scrollTop = el.offsetTop - cuesBox.offsetTop - cuesBox.clientHeight / 3;
  };

  // ---- events ----
  audio.addEventListener('play', () => {
    playBtn.setAttribute('aria-label', t.pause);
    root.classList.add('ap-playing');
    announce(t.playing);
  });
  audio.addEventListener('pause', () => {
    playBtn.setAttribute('aria-label', t.play);
    root.classList.remove('ap-playing');
    if (!audio.ended) announce(t.paused);
  });
  audio.addEventListener('ended', () => announce(t.ended));
  audio.addEventListener('timeupdate', () => {
    if (stopAt !== null && audio.currentTime >= stopAt) {
      audio.pause();
      stopAt = null;
    }
    render();
  });
  audio.addEventListener('loadedmetadata', () => {
    if (Number.isFinite(audio.duration) && audio.duration > 0) {
      duration = audio.duration;
      seek.max = String(duration);
      dur.textContent = clock(duration);
    }
    render();
  });
  playBtn.addEventListener('click', toggle);
  seek.addEventListener('input', () => seekTo(Number(seek.value)));
  speed.addEventListener('change', () => setSpeed(Number(speed.value)));
  $<HTMLButtonElement>('.ap-prev')?.addEventListener('click', () => jumpChapter(-1));
  $<HTMLButtonElement>('.ap-next')?.addEventListener('click', () => jumpChapter(1));
  for (const c of chapters)
    c.el.addEventListener('click', (event) => {
      event.preventDefault();
      seekTo(c.start);
      if (audio.paused) void audio.play().catch(() => undefined);
    });
  for (const c of cues) c.el.addEventListener('click', () => seekTo(c.start));
  $<HTMLButtonElement>('.ap-share')!.addEventListener('click', () => {
    const url = new URL(root.dataset.share ?? location.href);
    url.searchParams.set('t', String(Math.floor(audio.currentTime)));
    const link = url.toString();
    linkBox.hidden = false;
    linkInput.value = link;
    linkInput.select();
    void navigator.clipboard
      ?.writeText(link)
      .then(() => announce(t.copied))
      .catch(() => undefined);
  });

  // Podlove's key map: Space/K, ←/→ ±5 s, Alt+←/→ chapter, Alt+↑/↓ or </> speed, M mute, Home/End.
  (ownsDocument ? document : root).addEventListener('keydown', (event) => {
    const e = event as KeyboardEvent;
    const el = e.target as HTMLElement;
    const tag = el.tagName;
    if (e.ctrlKey || e.metaKey) return;
    if (tag === 'TEXTAREA' || (tag === 'INPUT' && el !== seek) || tag === 'SELECT') return;
    const activates = tag === 'BUTTON' || tag === 'A' || tag === 'SUMMARY';
    let handled = true;
    switch (e.key) {
      case ' ':
      case 'k':
      case 'K':
        if (activates) return;
        toggle();
        break;
      case 'ArrowLeft':
        if (e.altKey) jumpChapter(-1);
        else seekTo(audio.currentTime - SKIP);
        break;
      case 'ArrowRight':
        if (e.altKey) jumpChapter(1);
        else seekTo(audio.currentTime + SKIP);
        break;
      case 'ArrowUp':
      case 'ArrowDown':
        if (e.altKey) stepSpeed(e.key === 'ArrowUp' ? 1 : -1);
        else if (e.shiftKey)
          audio.volume = Math.max(
            0,
            Math.min(1, audio.volume + (e.key === 'ArrowUp' ? 0.1 : -0.1)),
          );
        else handled = false;
        break;
      case '>':
        stepSpeed(1);
        break;
      case '<':
        stepSpeed(-1);
        break;
      case 'm':
      case 'M':
        audio.muted = !audio.muted;
        break;
      case 'Home':
        seekTo(0);
        break;
      case 'End':
        seekTo(duration);
        break;
      default:
        handled = false;
    }
    if (handled) e.preventDefault();
  });

  // Deep links: ?t= is already in the audio URL (#t=); the page's own #t=start,end also stops.
  const fragment = parseMediaFragment(location.hash);
  if (fragment) {
    seekTo(fragment.start);
    stopAt = fragment.end;
  } else if (root.dataset.start) {
    seekTo(Number(root.dataset.start));
  }

  const peaksUrl = root.dataset.peaks;
  if (peaksUrl)
    void fetch(peaksUrl, { credentials: 'omit' })
      .then((r) => (r.ok ? (r.json() as Promise<Peaks>) : null))
      .then((p) => {
        peaks = p;
        draw(audio.currentTime);
      })
      .catch(() => undefined);
  if ('ResizeObserver' in window) new ResizeObserver(() => draw(audio.currentTime)).observe(canvas);
  render();
}

const players = document.querySelectorAll<HTMLElement>('[data-player]');
players.forEach((root) => init(root, players.length === 1));
