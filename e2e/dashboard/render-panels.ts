/**
 * Draws queried panels as one HTML page of SVG line charts laid out on Grafana's grid (24 columns,
 * 30 px rows with 8 px gaps, its dark theme and classic palette), for Chromium to photograph where
 * no Grafana can be installed. It draws what Prometheus answered and nothing else: no smoothing,
 * stacked only where the panel stacks, units as the panel names them.
 */
import { escapeHtml } from '../support/escape-html.ts';
import type { QueriedPanel, Series } from './query-panels.ts';

const PAGE_WIDTH = 1600;
const COLUMN = PAGE_WIDTH / 24;
const ROW = 38;
const GAP = 8;
const PALETTE = ['#7EB26D', '#EAB839', '#6ED0E0', '#EF843C', '#E24D42', '#1F78C1', '#BA43A9', '#705DA0', '#508642', '#CCA300', '#447EBC', '#C15C17', '#D683CE', '#65C5DB', '#F9934E', '#E0752D'];

function siSuffix(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1e6) return `${+(value / 1e6).toFixed(1)}M`;
  if (abs >= 1e3) return `${+(value / 1e3).toFixed(1)}K`;
  if (abs === 0) return '0';
  if (abs < 0.01) return value.toExponential(0);
  return `${+value.toFixed(abs < 1 ? 3 : abs < 10 ? 2 : 1)}`;
}

/** A value as Grafana shows the unit. */
export function formatValue(value: number, unit: string): string {
  switch (unit) {
    case 's': {
      const abs = Math.abs(value);
      if (abs === 0) return '0 s';
      if (abs < 0.001) return `${+(value * 1e6).toFixed(0)} µs`;
      if (abs < 1) return `${+(value * 1e3).toFixed(abs < 0.01 ? 2 : 1)} ms`;
      return `${+value.toFixed(2)} s`;
    }
    case 'bytes': {
      const units = ['B', 'KiB', 'MiB', 'GiB'];
      let v = value;
      let i = 0;
      while (Math.abs(v) >= 1024 && i < units.length - 1) {
        v /= 1024;
        i += 1;
      }
      return `${+v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
    }
    case 'reqps':
      return `${siSuffix(value)} req/s`;
    case 'ops':
      return `${siSuffix(value)} ops/s`;
    default:
      return siSuffix(value);
  }
}

function niceStep(max: number, ticks: number): number {
  const raw = max / ticks;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / magnitude;
  const nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 2.5 ? 2.5 : fraction <= 5 ? 5 : 10;
  return nice * magnitude;
}

function hhmm(seconds: number): string {
  const date = new Date(seconds * 1000);
  return `${String(date.getHours()).padStart(2, '0')}:${String(date.getMinutes()).padStart(2, '0')}`;
}

/** The lines to draw: each series, or for a stacked panel the running sums (drawn top series first). */
function stackedLines(series: readonly Series[], stacked: boolean): Series[] {
  if (!stacked) return [...series];
  const totals = new Map<number, number>();
  return series.map((s) => ({
    name: s.name,
    points: s.points.map(([t, v]) => {
      const total = (totals.get(t) ?? 0) + v;
      totals.set(t, total);
      return [t, total] as const;
    }),
  }));
}

function chart(panel: Extract<QueriedPanel, { type: 'timeseries' }>, width: number, height: number, window: { start: number; end: number }): string {
  const legendRows = Math.min(4, Math.ceil(panel.series.length / Math.max(1, Math.floor(width / 190))));
  const plot = { left: 62, top: 6, right: width - 10, bottom: height - 22 - legendRows * 16 };
  const lines = stackedLines(panel.series, panel.stacked);
  const values = lines.flatMap((s) => s.points.map(([, v]) => v));
  const max = Math.max(0, ...values);
  // Below zero only when a value is (gatehouse_active_sessions is -1 on Redis).
  const min = Math.min(0, ...values);
  const range = max - min === 0 ? 1 : max - min;
  const step = niceStep(range, 4);
  const top = max === 0 && min === 0 ? 1 : Math.ceil(max / step) * step;
  const bottom = Math.floor(min / step) * step;
  const x = (t: number): number => plot.left + ((t - window.start) / (window.end - window.start)) * (plot.right - plot.left);
  const y = (v: number): number => plot.bottom - ((v - bottom) / (top - bottom)) * (plot.bottom - plot.top);
  const parts: string[] = [];
  for (let v = bottom; v <= top + step / 1e6; v += step) {
    parts.push(`<line x1="${plot.left}" x2="${plot.right}" y1="${y(v)}" y2="${y(v)}" stroke="#2c3235"/>`);
    parts.push(`<text x="${plot.left - 6}" y="${y(v) + 4}" text-anchor="end">${escapeHtml(formatValue(v, panel.unit))}</text>`);
  }
  const span = window.end - window.start;
  const tickEvery = [60, 120, 300, 600, 900, 1800].find((s) => span / s <= Math.max(3, Math.floor((plot.right - plot.left) / 90))) ?? 3600;
  for (let t = Math.ceil(window.start / tickEvery) * tickEvery; t <= window.end; t += tickEvery) {
    parts.push(`<text x="${x(t)}" y="${plot.bottom + 15}" text-anchor="middle">${hhmm(t)}</text>`);
  }
  if (lines.every((s) => s.points.length === 0)) {
    parts.push(`<text x="${(plot.left + plot.right) / 2}" y="${(plot.top + plot.bottom) / 2}" text-anchor="middle" class="nodata">No data</text>`);
  }
  // Later stacked series lie on top of earlier ones: draw them first so the lower fills show.
  const order = panel.stacked ? [...lines.keys()].reverse() : [...lines.keys()];
  for (const index of order) {
    const line = lines[index] as Series;
    if (line.points.length === 0) continue;
    const color = PALETTE[index % PALETTE.length] as string;
    const path = line.points.map(([t, v], i) => `${i === 0 ? 'M' : 'L'}${x(t).toFixed(1)},${y(v).toFixed(1)}`).join('');
    const first = line.points[0] as readonly [number, number];
    const last = line.points.at(-1) as readonly [number, number];
    const base = y(Math.max(bottom, 0)).toFixed(1);
    const fill = `${path}L${x(last[0]).toFixed(1)},${base}L${x(first[0]).toFixed(1)},${base}Z`;
    parts.push(`<path d="${fill}" fill="${color}" fill-opacity="${panel.stacked ? 0.3 : 0.1}" stroke="none"/>`);
    parts.push(`<path d="${path}" fill="none" stroke="${color}" stroke-width="1.2"/>`);
  }
  const perRow = Math.max(1, Math.floor(width / 190));
  panel.series.slice(0, perRow * legendRows).forEach((s, i) => {
    const lx = 10 + (i % perRow) * ((width - 20) / perRow);
    const ly = plot.bottom + 32 + Math.floor(i / perRow) * 16;
    const name = s.name.length > 34 ? `${s.name.slice(0, 33)}…` : s.name;
    parts.push(`<rect x="${lx}" y="${ly - 8}" width="12" height="3" fill="${PALETTE[i % PALETTE.length]}"/><text x="${lx + 17}" y="${ly - 3}">${escapeHtml(name)}</text>`);
  });
  return `<svg width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg">${parts.join('')}</svg>`;
}

/** The whole page: title bar, the panels on the grid, and a note saying how it was made. */
export function dashboardHtml(options: { title: string; subtitle: string; note: string; panels: readonly QueriedPanel[]; window: { start: number; end: number } }): string {
  const height = Math.max(...options.panels.map((p) => (p.gridPos.y + p.gridPos.h) * ROW));
  const boxes = options.panels.map((panel) => {
    const { x, y, w, h } = panel.gridPos;
    const style = `left:${x * COLUMN}px;top:${y * ROW}px;width:${w * COLUMN - GAP}px;height:${h * ROW - GAP}px`;
    if (panel.type === 'row') return `<div class="row" style="${style}">${escapeHtml(panel.title)}</div>`;
    const body = chart(panel, w * COLUMN - GAP - 2, h * ROW - GAP - 34, options.window);
    return `<div class="panel" style="${style}"><div class="title">${escapeHtml(panel.title)}</div>${body}</div>`;
  });
  return `<!doctype html><html><head><meta charset="utf-8"><style>
body{margin:0;background:#111217;color:#ccccdc;font:12px Inter,"Helvetica Neue",Arial,sans-serif}
header{padding:14px 16px 10px;display:flex;justify-content:space-between;align-items:baseline}
h1{font-size:18px;font-weight:500;margin:0;color:#d8d9da}
.sub{color:#8e8e8e}
main{position:relative;margin:0 16px;width:${PAGE_WIDTH}px;height:${height}px}
.panel{position:absolute;background:#181b1f;border:1px solid #2c3235;border-radius:2px;overflow:hidden}
.title{height:32px;line-height:32px;padding:0 10px;font-size:13px;font-weight:500;color:#d8d9da;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.row{position:absolute;font-size:14px;font-weight:500;color:#d8d9da;line-height:30px}
svg text{fill:#9fa1a6;font-size:11px}
svg text.nodata{fill:#6e7076;font-size:13px}
footer{margin:12px 16px 16px;color:#8e8e8e;width:${PAGE_WIDTH}px}
</style></head><body><header><h1>${escapeHtml(options.title)}</h1><span class="sub">${escapeHtml(options.subtitle)}</span></header>
<main>${boxes.join('\n')}</main><footer>${escapeHtml(options.note)}</footer></body></html>`;
}
