/**
 * Downloads per day as a server-rendered SVG bar chart: no client code, figures in
 * `data-day`/`data-value` on each bar, a title and a description for screen readers
 * (role="img"; the table next to it carries the same figures cell by cell).
 */
import { html, type SafeHtml } from '../../src/http/html.js';

export interface ChartBar {
  readonly day: string;
  readonly value: number;
  /** The day as the editor reads it. */
  readonly label: string;
  /** "1 déc. 2026 : 3 téléchargements": the bar's tooltip. */
  readonly tooltip: string;
}

const WIDTH = 720;
const HEIGHT = 220;
const LEFT = 48;
const RIGHT = 8;
const TOP = 12;
const BOTTOM = 28;

const fixed = (n: number) => Math.round(n * 100) / 100;

export function barChart(chart: {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly bars: readonly ChartBar[];
  /** A count as the editor reads it (the axis's top value). */
  readonly formatCount: (n: number) => string;
}): SafeHtml {
  const { bars, id } = chart;
  const plotW = WIDTH - LEFT - RIGHT;
  const plotH = HEIGHT - TOP - BOTTOM;
  const max = Math.max(0, ...bars.map((b) => b.value));
  const band = plotW / Math.max(1, bars.length);
  const barW = Math.max(1, band * 0.8);
  const y = (v: number) => TOP + plotH - (max ? (v / max) * plotH : 0);
  const rects = bars.map((b, i) => {
    const top = y(b.value);
    return html`<rect class="bar" x="${fixed(LEFT + i * band + (band - barW) / 2)}" y="${fixed(top)}" width="${fixed(barW)}" height="${fixed(TOP + plotH - top)}" data-day="${b.day}" data-value="${b.value}"><title>${b.tooltip}</title></rect>`;
  });
  // First and last day under the axis, and the middle one on longer ranges.
  const labelled = [
    ...new Set([0, bars.length > 6 ? Math.floor((bars.length - 1) / 2) : 0, bars.length - 1]),
  ];
  const labels = bars.length
    ? labelled.map((i) => {
        const anchor = i === 0 ? 'start' : i === bars.length - 1 ? 'end' : 'middle';
        const x =
          anchor === 'start' ? LEFT : anchor === 'end' ? WIDTH - RIGHT : LEFT + (i + 0.5) * band;
        return html`<text x="${fixed(x)}" y="${HEIGHT - 8}" text-anchor="${anchor}">${bars[i]!.label}</text>`;
      })
    : '';
  return html`<svg id="${id}" class="audience-chart" role="img" aria-labelledby="${id}-title ${id}-desc" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="100%" preserveAspectRatio="xMidYMid meet" font-size="12" fill="currentColor">
<title id="${id}-title">${chart.title}</title>
<desc id="${id}-desc">${chart.description}</desc>
<line x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${TOP + plotH}" y2="${TOP + plotH}" stroke="currentColor" stroke-width="1"></line>
<line x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${TOP}" y2="${TOP}" stroke="currentColor" stroke-width="0.5" stroke-dasharray="4 4"></line>
<text x="${LEFT - 6}" y="${TOP + 4}" text-anchor="end">${chart.formatCount(max)}</text>
<text x="${LEFT - 6}" y="${TOP + plotH + 4}" text-anchor="end">0</text>
<g class="bars">${rects}</g>
${labels}
</svg>`;
}
