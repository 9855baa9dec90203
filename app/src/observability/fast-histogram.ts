/**
 * A Prometheus histogram whose observation is a few additions. prom-client's Histogram validates
 * and hashes the labels on every observation, which costs a noticeable share of a check; here a
 * caller asks once for its labels' series and then adds to it. The registry reads the series the
 * way it reads prom-client's own histograms, so the exposition is the same text.
 */
import type { Registry } from 'prom-client';
import { labelKey } from './tally.ts';

/** One label set's series: observing adds to its buckets, sum and count. */
export interface HistogramSeries {
  observe(seconds: number): void;
}

/** A histogram with one label. */
export interface FastHistogram<L extends string> {
  /** The series of `labels`: the same object for the same labels, to be kept by the caller. */
  labels(labels: Readonly<Record<L, string>>): HistogramSeries;
  /** Starts timing now; the returned function observes the seconds since, under `labels`. */
  startTimer(): (labels: Readonly<Record<L, string>>) => number;
}

/** A value as prom-client's registry formats it: `labels` first, then the series' own labels. */
interface ExportedValue {
  readonly labels: Record<string, string | number>;
  readonly sharedLabels: Readonly<Record<string, string>>;
  readonly value: number;
  readonly metricName: string;
}

class Series implements HistogramSeries {
  /** Observations per bucket (not cumulative); the last slot counts those above every bound. */
  readonly counts: Float64Array;
  readonly labels: Readonly<Record<string, string>>;
  private readonly bounds: readonly number[];
  sum = 0;
  count = 0;
  constructor(labels: Readonly<Record<string, string>>, bounds: readonly number[]) {
    this.labels = labels;
    this.bounds = bounds;
    this.counts = new Float64Array(bounds.length + 1);
  }
  observe(seconds: number): void {
    // Not a number would poison the sum for good: such an observation is dropped.
    if (!Number.isFinite(seconds)) return;
    const { bounds } = this;
    let i = 0;
    while (i < bounds.length && seconds > (bounds[i] as number)) i++;
    this.counts[i] = (this.counts[i] as number) + 1;
    this.sum += seconds;
    this.count += 1;
  }
}

/**
 * Creates the histogram and registers it in `registry` under `name`.
 * @param buckets - upper bounds in seconds, ascending
 */
export function createFastHistogram<L extends string>(options: {
  readonly name: string;
  readonly help: string;
  readonly buckets: readonly number[];
  readonly registry: Registry;
}): FastHistogram<L> {
  const { name, help, buckets, registry } = options;
  const series = new Map<string, Series>();
  const seriesOf = (labels: Readonly<Record<L, string>>): Series => {
    // Asked once per distinct label set by each caller, which then keeps the series.
    const key = labelKey(labels);
    let known = series.get(key);
    if (known === undefined) {
      known = new Series(Object.freeze({ ...labels }), buckets);
      series.set(key, known);
    }
    return known;
  };
  const exported = (): ExportedValue[] => {
    const values: ExportedValue[] = [];
    for (const s of series.values()) {
      let cumulative = 0;
      buckets.forEach((le, i) => {
        cumulative += s.counts[i] as number;
        values.push({ labels: { le }, sharedLabels: s.labels, value: cumulative, metricName: `${name}_bucket` });
      });
      values.push(
        { labels: { le: '+Inf' }, sharedLabels: s.labels, value: s.count, metricName: `${name}_bucket` },
        { labels: {}, sharedLabels: s.labels, value: s.sum, metricName: `${name}_sum` },
        { labels: {}, sharedLabels: s.labels, value: s.count, metricName: `${name}_count` },
      );
    }
    return values;
  };
  // What prom-client's registry asks of a metric: its name, a reset, and its values.
  registry.registerMetric({
    name,
    help,
    type: 'histogram',
    aggregator: 'sum',
    reset: () => series.clear(),
    getForPromString: async () => ({ name, help, type: 'histogram', values: exported(), aggregator: 'sum' }),
    get: async () => ({
      name,
      help,
      type: 'histogram',
      aggregator: 'sum',
      values: exported().map((v) => ({ value: v.value, metricName: v.metricName, labels: { ...v.sharedLabels, ...v.labels } })),
    }),
  } as unknown as Parameters<Registry['registerMetric']>[0]);
  return {
    labels: seriesOf,
    startTimer() {
      const started = performance.now();
      return (labels) => {
        const seconds = (performance.now() - started) / 1000;
        seriesOf(labels).observe(seconds);
        return seconds;
      };
    },
  };
}
