/**
 * The soak's samples as a Markdown table and an SVG plot of four panels (memory, descriptors and
 * Redis connections, event-loop delay, rate), drawn here without a plotting library.
 */
import type { SoakSample } from './soak-sampler.ts';

/** The samples as a Markdown table. */
export function soakTable(samples: readonly SoakSample[]): string {
  const rows = samples.map((s) =>
    `| ${s.t} | ${s.rate.toFixed(0)} | ${s.rssMiB.toFixed(1)} | ${s.heapUsedMiB.toFixed(1)} | ${s.heapTotalMiB.toFixed(1)} | ${s.fds} | ${s.redisClients ?? '–'} | ${s.lagP99Ms.toFixed(1)} | ${s.lagMaxMs.toFixed(1)} | ${s.wrong} |`,
  );
  return ['| s | checks/s | RSS MiB | heap used MiB | heap total MiB | fds | Redis conns | loop p99 ms | loop max ms | wrong |', '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |', ...rows].join('\n');
}

interface Series {
  readonly label: string;
  readonly color: string;
  readonly values: readonly number[];
}

const WIDTH = 760;
const PANEL = 150;
const LEFT = 60;
const RIGHT = 20;
const TOP = 30;
const GAP = 45;

const escape = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');

function panel(index: number, title: string, times: readonly number[], series: readonly Series[]): string {
  const top = TOP + index * (PANEL + GAP);
  const values = series.flatMap((s) => s.values.filter(Number.isFinite));
  const max = Math.max(1, ...values) * 1.1;
  const tMax = Math.max(1, ...times);
  const x = (t: number): number => LEFT + (t / tMax) * (WIDTH - LEFT - RIGHT);
  const y = (v: number): number => top + PANEL - (v / max) * PANEL;
  const ticks = [0, 0.5, 1].map((f) => {
    const v = max * f;
    return `<line x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#ddd"/><text x="${LEFT - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${v >= 100 ? v.toFixed(0) : v.toFixed(1)}</text>`;
  });
  const lines = series.map((s, i) => {
    const points = s.values.map((v, j) => `${x(times[j] ?? 0).toFixed(1)},${y(Number.isFinite(v) ? v : 0).toFixed(1)}`).join(' ');
    const legend = `<text x="${LEFT + 10 + i * 170}" y="${top - 6}" fill="${s.color}">${escape(s.label)}</text>`;
    return `<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${points}"/>${legend}`;
  });
  const axis = `<line x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${top + PANEL}" y2="${top + PANEL}" stroke="#888"/><text x="${WIDTH - RIGHT}" y="${top + PANEL + 16}" text-anchor="end">${tMax} s</text><text x="${LEFT}" y="${top + PANEL + 16}">0 s</text>`;
  return `<text x="${WIDTH - RIGHT}" y="${top - 6}" text-anchor="end" font-weight="bold">${escape(title)}</text>${ticks.join('')}${lines.join('')}${axis}`;
}

/** The samples as an SVG document. */
export function soakSvg(samples: readonly SoakSample[], title: string): string {
  const t = samples.map((s) => s.t);
  const height = TOP + 4 * (PANEL + GAP);
  const panels = [
    panel(0, 'memory, MiB', t, [
      { label: 'RSS', color: '#1f77b4', values: samples.map((s) => s.rssMiB) },
      { label: 'heap used', color: '#ff7f0e', values: samples.map((s) => s.heapUsedMiB) },
      { label: 'heap total', color: '#2ca02c', values: samples.map((s) => s.heapTotalMiB) },
    ]),
    panel(1, 'descriptors and connections', t, [
      { label: 'open fds', color: '#9467bd', values: samples.map((s) => s.fds) },
      { label: 'Redis connections', color: '#8c564b', values: samples.map((s) => s.redisClients ?? Number.NaN) },
    ]),
    panel(2, 'event-loop delay, ms', t, [
      { label: 'p99', color: '#d62728', values: samples.map((s) => s.lagP99Ms) },
      { label: 'max', color: '#e377c2', values: samples.map((s) => s.lagMaxMs) },
    ]),
    panel(3, 'checks answered per second', t, [{ label: 'rate', color: '#17becf', values: samples.map((s) => s.rate) }]),
  ];
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="12">
<rect width="100%" height="100%" fill="#fff"/>
<text x="${LEFT}" y="16" font-weight="bold">${escape(title)}</text>
${panels.join('\n')}
</svg>
`;
}
