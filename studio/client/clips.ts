/** Clips: drag across the waveform (or type the times) and create. */
import { $, api, onSubmit, showProblem, value, type Problem } from './forms.js';

const wave = $<HTMLCanvasElement>('#waveform');
const clipForm = $<HTMLFormElement>('#clip-form');
if (wave && clipForm) {
  const duration = Number(wave.dataset.duration) || 0;
  const ctx = wave.getContext('2d')!;
  let peaks: number[] = [];
  const startInput = clipForm.elements.namedItem('start') as HTMLInputElement;
  const endInput = clipForm.elements.namedItem('end') as HTMLInputElement;
  const draw = () => {
    const { width, height } = wave;
    ctx.clearRect(0, 0, width, height);
    const s = Number(startInput.value);
    const en = Number(endInput.value);
    if (duration && en > s) {
      ctx.fillStyle = '#cde6f0';
      ctx.fillRect((s / duration) * width, 0, ((en - s) / duration) * width, height);
    }
    ctx.fillStyle = '#05668d';
    const pairs = peaks.length / 2;
    for (let x = 0; x < width && pairs; x++) {
      const i = Math.floor((x / width) * pairs) * 2;
      const min = peaks[i] ?? 0;
      const max = peaks[i + 1] ?? 0;
      const scale = height / 2 / 128;
      ctx.fillRect(x, height / 2 - max * scale, 1, Math.max(1, (max - min) * scale));
    }
  };
  void fetch(wave.dataset.peaks!)
    .then((r) => r.json() as Promise<{ data: number[]; bits?: number }>)
    .then((json) => {
      const factor = json.bits === 16 ? 1 / 256 : 1;
      peaks = json.data.map((v) => v * factor);
      draw();
    })
    .catch(() => undefined);
  const timeAt = (event: PointerEvent) => {
    const rect = wave.getBoundingClientRect();
    const ratio = Math.min(1, Math.max(0, (event.clientX - rect.left) / rect.width));
    return Math.round(ratio * duration * 10) / 10;
  };
  let anchor: number | null = null;
  wave.addEventListener('pointerdown', (event) => {
    anchor = timeAt(event);
    wave.setPointerCapture(event.pointerId);
  });
  wave.addEventListener('pointermove', (event) => {
    if (anchor === null) return;
    const now = timeAt(event);
    startInput.value = String(Math.min(anchor, now));
    endInput.value = String(Math.max(anchor, now));
    draw();
  });
  wave.addEventListener('pointerup', () => (anchor = null));
  startInput.addEventListener('input', draw);
  endInput.addEventListener('input', draw);
  onSubmit(clipForm, async (form) => {
    const id = $('#processing')!.dataset.episode!;
    const res = await api('POST', `/api/episodes/${id}/clips`, {
      title: value(form, 'title'),
      start: Number(value(form, 'start')),
      end: Number(value(form, 'end')),
    });
    if (res.ok) return location.reload();
    showProblem(form, res.data as Problem);
  });
}
