/**
 * The benchmark plot as a self-contained SVG (no plotting library, no browser): each row's
 * requests/s as a share of the bare Node server, with its target marked, and, when nginx ran, the
 * p50 and p99 latency through nginx with and without gatehouse.
 */
import type { BenchReport } from './bench-report.ts';

const WIDTH = 960;
const LABEL = 430;
const BAR = 18;
const GAP = 8;
const PLOT = WIDTH - LABEL - 90;
const CPU_BAR = 7;
/** A row of the ratio panel: its requests/s bar, its CPU bar under it, and the gap. */
const ROW = BAR + 2 + CPU_BAR + GAP;

const escape = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const short = (text: string, max = 70): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

function ratioPanel(report: BenchReport, top: number): { svg: string; height: number } {
  const rows = report.throughput;
  const scale = Math.max(1, ...rows.map((row) => Math.max(row.ratio, Number.isFinite(row.cpuRatio) ? row.cpuRatio : 0)));
  const x = (value: number): number => LABEL + (value / scale) * PLOT;
  const parts = [`<text x="20" y="${top + 18}" class="title">share of the bare Node server (same run; | = target): requests/s, and under it by CPU per request</text>`];
  let y = top + 34;
  for (const tick of [0, 0.25, 0.5, 0.75, 1].filter((t) => t <= scale)) {
    parts.push(`<line x1="${x(tick)}" y1="${y - 4}" x2="${x(tick)}" y2="${y + rows.length * ROW}" class="grid"/>`);
    parts.push(`<text x="${x(tick)}" y="${y + rows.length * ROW + 14}" class="tick">${tick}</text>`);
  }
  for (const row of rows) {
    const met = row.minRatio === undefined || row.ratio >= row.minRatio;
    parts.push(`<text x="${LABEL - 8}" y="${y + BAR - 5}" class="label">${escape(short(row.name))}</text>`);
    parts.push(`<rect x="${LABEL}" y="${y}" width="${Math.max(1, x(row.ratio) - LABEL)}" height="${BAR}" class="${row.minRatio === undefined ? 'plain' : met ? 'met' : 'missed'}"/>`);
    parts.push(`<text x="${x(row.ratio) + 6}" y="${y + BAR - 5}" class="value">${row.ratio.toFixed(2)} · ${Math.round(row.requestsPerSecond).toLocaleString('en-US')}/s</text>`);
    if (Number.isFinite(row.cpuRatio)) {
      parts.push(`<rect x="${LABEL}" y="${y + BAR + 2}" width="${Math.max(1, x(row.cpuRatio) - LABEL)}" height="${CPU_BAR}" class="cpu"/>`);
      parts.push(`<text x="${x(row.cpuRatio) + 6}" y="${y + BAR + CPU_BAR + 1}" class="cpu-value">CPU ${row.cpuRatio.toFixed(2)} · ${row.cpuMicrosPerRequest.toFixed(1)} µs</text>`);
    }
    if (row.minRatio !== undefined) parts.push(`<line x1="${x(row.minRatio)}" y1="${y - 2}" x2="${x(row.minRatio)}" y2="${y + BAR + CPU_BAR + 4}" class="target"/>`);
    y += ROW;
  }
  return { svg: parts.join('\n'), height: y - top + 24 };
}

function latencyPanel(report: BenchReport, top: number): { svg: string; height: number } {
  const nginx = report.nginx;
  if (!nginx) return { svg: '', height: 0 };
  const scale = Math.max(1, ...nginx.rows.map((row) => row.p99Ms));
  const x = (value: number): number => LABEL + (value / scale) * PLOT;
  const parts = [`<text x="20" y="${top + 18}" class="title">through nginx at ${nginx.rate.toLocaleString('en-US')} requests/s (half its maximum through gatehouse): p50 and p99 ms</text>`];
  let y = top + 34;
  for (const row of nginx.rows) {
    for (const [name, value, cls] of [['p50', row.p50Ms, 'p50'], ['p99', row.p99Ms, 'p99']] as const) {
      parts.push(`<text x="${LABEL - 8}" y="${y + BAR - 5}" class="label">${escape(short(`${row.name}, ${name}`))}</text>`);
      parts.push(`<rect x="${LABEL}" y="${y}" width="${Math.max(1, x(value) - LABEL)}" height="${BAR}" class="${cls}"/>`);
      parts.push(`<text x="${x(value) + 6}" y="${y + BAR - 5}" class="value">${value.toFixed(2)} ms</text>`);
      y += BAR + GAP;
    }
    y += GAP;
  }
  const ratios = nginx.rows.slice(1).map((row) => row.p99Ratio.toFixed(2)).join(', ');
  parts.push(`<text x="20" y="${y + 8}" class="note">p99 through gatehouse ÷ without auth: ${ratios} (target ≤ ${nginx.maxP99Ratio})</text>`);
  return { svg: parts.join('\n'), height: y - top + 24 };
}

/** Renders the plot of `report`; `machine` is printed under it. */
export function renderBenchSvg(report: BenchReport, machine: string): string {
  const ratios = ratioPanel(report, 10);
  const latency = latencyPanel(report, 10 + ratios.height);
  const height = 10 + ratios.height + latency.height + 30;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="system-ui, sans-serif" font-size="12">
<style>
.title { font-weight: 600; font-size: 14px; fill: #222 }
.label { text-anchor: end; fill: #333 }
.value, .note { fill: #333 }
.tick { text-anchor: middle; fill: #666; font-size: 11px }
.grid { stroke: #ddd }
.plain { fill: #8a9bb0 } .met { fill: #3a8f5c } .missed { fill: #c9694d } .cpu { fill: #b9b0d6 }
.cpu-value { fill: #555; font-size: 10px }
.p50 { fill: #7fa7d9 } .p99 { fill: #2f5f9e }
.target { stroke: #111; stroke-width: 2 }
</style>
<rect width="100%" height="100%" fill="#fff"/>
${ratios.svg}
${latency.svg}
<text x="20" y="${height - 12}" class="note">${escape(machine)}</text>
</svg>
`;
}
