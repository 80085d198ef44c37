import { Inject, Injectable, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { METRICS as CATALOG, METRICS_NAMESPACE, SERVICE_DIMENSION, type MetricDefinition, type MetricKey } from '@mcp-cognito/contracts';

const METRICS: Readonly<Record<MetricKey, MetricDefinition>> = CATALOG;

/** How often the aggregated metrics are written (CloudWatch's finest standard resolution is one minute). */
export const METRICS_FLUSH_MS = 60_000;
/** EMF accepts up to 100 values per metric in one document: a latency keeps at most this many samples per flush. */
const MAX_SAMPLES = 100;
/** A label value that is not a short, plain token becomes this (a dimension must stay bounded whatever happens). */
const OTHER = 'other';
const LABEL = /^[A-Za-z0-9_./:-]{1,64}$/;

const METRICS_SERVICE = Symbol('METRICS_SERVICE');

interface Series {
  key: MetricKey;
  label?: string;
  count: number;
  samples: number[];
}

/**
 * The service's metrics in CloudWatch Embedded Metric Format (EMF): counted in memory, written once a minute (and on
 * shutdown) as JSON lines on stdout, which CloudWatch Logs turns into metrics - no API call per request, nothing on the
 * hot path but a map update. Names and units come from libs/contracts (`METRICS`), as the infra app's dashboard and
 * alarms read them. Every value is written twice: with the `Service` dimension only (what alarms use) and, when the
 * metric has one, with `Service` + its label dimension (the detailed series). Each line is one dimension set and stays
 * far below the 4 KB a pipe writes atomically, so it never interleaves with a log line.
 */
@Injectable()
export class Metrics implements OnApplicationShutdown {
  private series = new Map<string, Series>();
  /** Per metric, the label last counted and its series (see {@link entry}); emptied with {@link series}. */
  private readonly lastByKey = new Map<MetricKey, { given: string | undefined; series: Series }>();
  private readonly timer: NodeJS.Timeout;
  /** Where the lines go (stdout; tests read what `flush` returns). */
  private readonly sink: (line: string) => void = (line) => void process.stdout.write(`${line}\n`);

  constructor(@Inject(METRICS_SERVICE) private readonly service: string) {
    this.timer = setInterval(() => this.flush(), METRICS_FLUSH_MS);
    this.timer.unref();
  }

  /** One occurrence (or `value` of them) of a counted metric, with its label when the metric has a dimension. */
  count(key: MetricKey, label?: string, value = 1): void {
    this.entry(key, label).count += value;
  }

  /** One duration sample (milliseconds) of a timed metric. */
  timing(key: MetricKey, milliseconds: number, label?: string): void {
    const entry = this.entry(key, label);
    if (entry.samples.length < MAX_SAMPLES) entry.samples.push(Math.max(0, Math.round(milliseconds)));
  }

  /** Writes everything counted since the last flush; returns the lines written. */
  flush(now = Date.now()): string[] {
    if (this.series.size === 0) return [];
    const series = [...this.series.values()];
    this.series = new Map();
    this.lastByKey.clear();
    const lines: string[] = [];
    // The Service-only document: every metric summed over its labels.
    const totals = new Map<MetricKey, { count: number; samples: number[] }>();
    for (const s of series) {
      const total = totals.get(s.key) ?? { count: 0, samples: [] };
      total.count += s.count;
      total.samples.push(...s.samples);
      totals.set(s.key, total);
    }
    lines.push(this.document(now, [SERVICE_DIMENSION], {}, [...totals].map(([key, t]) => ({ key, ...t }))));
    for (const s of series) {
      const dimension = METRICS[s.key].dimension;
      if (dimension === undefined || s.label === undefined) continue;
      lines.push(this.document(now, [SERVICE_DIMENSION, dimension], { [dimension]: s.label }, [s]));
    }
    for (const line of lines) this.sink(line);
    return lines;
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
    this.flush();
  }

  /**
   * The series of one metric and label. Called on every tool call: the last series of each metric is remembered,
   * so a repeated (metric, label) pair costs two comparisons instead of a regex test, a string and a map lookup.
   */
  private entry(key: MetricKey, label: string | undefined): Series {
    const last = this.lastByKey.get(key);
    if (last !== undefined && last.given === label) return last.series;
    const bounded = METRICS[key].dimension === undefined || label === undefined ? undefined : LABEL.test(label) ? label : OTHER;
    const id = `${key}\n${bounded ?? ''}`;
    let entry = this.series.get(id);
    if (entry === undefined) this.series.set(id, (entry = { key, label: bounded, count: 0, samples: [] }));
    this.lastByKey.set(key, { given: label, series: entry });
    return entry;
  }

  private document(now: number, dimensions: string[], labels: Record<string, string>, values: Array<{ key: MetricKey; count: number; samples: number[] }>): string {
    const members: Record<string, unknown> = {};
    const definitions: Array<{ Name: string; Unit: string }> = [];
    for (const { key, count, samples } of values) {
      const { name, unit } = METRICS[key];
      const value = unit === 'Milliseconds' ? samples : count;
      if (Array.isArray(value) && value.length === 0) continue;
      members[name] = value;
      definitions.push({ Name: name, Unit: unit });
    }
    return JSON.stringify({
      _aws: { Timestamp: now, CloudWatchMetrics: [{ Namespace: METRICS_NAMESPACE, Dimensions: [dimensions], Metrics: definitions }] },
      [SERVICE_DIMENSION]: this.service,
      ...labels,
      ...members,
    });
  }
}

/** The service's {@link Metrics}, global: every module counts through the same instance. */
@Module({})
export class MetricsModule {
  static forRoot(service: string): DynamicModule {
    return {
      module: MetricsModule,
      global: true,
      providers: [{ provide: METRICS_SERVICE, useValue: service }, Metrics],
      exports: [Metrics],
    };
  }
}
