/**
 * What dcgm-exporter's series say about GPU use over a window, aggregated by Prometheus (never raw series here):
 * per namespace, GPU-hours busy (engine-active time) and GPU-hours allocated (a pod held the device); per device of a
 * pod, hours idle (average activity in a step below a threshold); and the steps where no DCGM sample exists at all
 * (a scrape gap), so that a gap is reported rather than read as zero use.
 *
 * Activity is `DCGM_FI_PROF_GR_ENGINE_ACTIVE` (a 0-1 ratio, reported for MIG instances too), falling back per device
 * to `DCGM_FI_DEV_GPU_UTIL / 100` where a GPU has no profiling metrics (pre-Volta); `or` keeps the first where
 * both exist (dcgm-exporter labels both alike). A MIG instance's activity is of its own slices, so it counts as
 * `<N>g / 7` (or `/ 4` on an A30) of a GPU: the same fraction the inventory gives the slice (src/inventory/mig.ts).
 * Values arrive as decimal text and are summed as exact rationals.
 */
import { ValidationError } from '../../errors.js';
import { parseMigProfile, totalComputeSlices } from '../../inventory/mig.js';
import { add, multiply, parseDecimal, rational, ZERO, type Rational } from '../../rational.js';
import { PrometheusError, type PrometheusClient, type PromSeries } from './client.js';
import { compareText } from '../../text-order.js';

export const ENGINE_ACTIVE = 'DCGM_FI_PROF_GR_ENGINE_ACTIVE';
export const GPU_UTIL = 'DCGM_FI_DEV_GPU_UTIL';

/** Label names in the stored series. Behind a ServiceMonitor without honorLabels: `exported_namespace`, `exported_pod`. */
export interface DcgmLabels {
  namespace: string;
  pod: string;
}

export const DEFAULT_LABELS: DcgmLabels = { namespace: 'namespace', pod: 'pod' };

/** Labels dcgm-exporter sets on every device series (dra-and-schedulers.md, "GPU metrics"). */
const MODEL = 'modelName';
const PROFILE = 'GPU_I_PROFILE';
const INSTANCE = 'GPU_I_ID';
const UUID = 'UUID';
const HOST = 'Hostname';

export interface DcgmQuery {
  /** Evaluated at `from + k·step`, k = 1..n, each point averaging the samples of the step before it. */
  from: Date;
  to: Date;
  stepSeconds: number;
  labels: DcgmLabels;
  /** Extra label matchers for every series (`cluster="prod"`), validated by parseSelector. */
  selector: string;
  /** A device whose average activity over a step is below this is idle in that step. */
  idleBelow: Rational;
  /** Devices idle for at least this many hours are listed. */
  idleForHours: Rational;
}

export interface NamespaceMeasured {
  namespace: string;
  /** Engine-active time in GPU-hours (MIG instances by their share of a GPU). */
  busyGpuHours: Rational;
  /** GPU-hours a pod of the namespace held a device, by the same weights. */
  allocatedGpuHours: Rational;
}

export interface IdleDevice {
  namespace: string;
  pod: string;
  model: string;
  /** MIG profile (`1g.10gb`), empty for a whole GPU. */
  profile: string;
  host: string;
  /** `UUID` (and `/GPU_I_ID` for a MIG instance): which device. */
  device: string;
  idleHours: Rational;
}

export interface MeasuredUse {
  /** The window measured: `[from, from + n·step]`, the whole steps of the asked window. */
  from: Date;
  to: Date;
  stepSeconds: number;
  /** Hours of steps with at least one DCGM sample. */
  measuredHours: Rational;
  /** Runs of steps without any DCGM sample: a scrape gap, exporter or Prometheus down. */
  gaps: { from: Date; to: Date }[];
  /** Sorted by namespace; namespaces with allocated devices only. */
  namespaces: NamespaceMeasured[];
  /** Sorted by idle hours (most first), then namespace, pod, device. */
  idle: IdleDevice[];
  /** Prometheus's own warnings (partial data). */
  warnings: string[];
}

export type MeasuredRead = { kind: 'measured'; use: MeasuredUse } | { kind: 'no-series'; reason: string };

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const MATCHER = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*("(?:[^"\\]|\\.)*")\s*$/;

export function parseLabelName(text: string, flag: string): string {
  if (!LABEL_NAME.test(text)) throw new ValidationError(`${flag}: ${JSON.stringify(text)} is not a Prometheus label name`, { field: flag, value: text });
  return text;
}

/** `cluster="prod", env=~"a|b"` (with or without braces) -> the matchers joined by commas. */
export function parseSelector(text: string, flag = '--prometheus-selector'): string {
  const inner = text.trim().replace(/^\{([\s\S]*)\}$/, '$1');
  if (inner.trim() === '') return '';
  const parts = inner.match(/(?:[^,"]|"(?:[^"\\]|\\.)*")+/g) ?? [];
  return parts
    .map((part) => {
      const match = MATCHER.exec(part);
      if (match === null) {
        throw new ValidationError(`${flag}: ${JSON.stringify(part.trim())} is not a label matcher such as cluster="prod"`, { field: flag, value: text });
      }
      return `${match[1]}${match[2]}${match[3]}`;
    })
    .join(',');
}

/** The PromQL of every query, exported for the docs and tests. */
export function dcgmQueries(q: Pick<DcgmQuery, 'stepSeconds' | 'labels' | 'selector' | 'idleBelow'>): { busy: string; allocated: string; idle: string; present: string } {
  const extra = q.selector === '' ? '' : `,${q.selector}`;
  const held = `{${q.labels.namespace}!="",${q.labels.pod}!=""${extra}}`;
  const any = `{${q.selector}}`;
  const range = `[${q.stepSeconds}s]`;
  const activity = (sel: string): string => `(avg_over_time(${ENGINE_ACTIVE}${sel}${range}) or avg_over_time(${GPU_UTIL}${sel}${range}) / 100)`;
  const byNamespace = `${q.labels.namespace},${MODEL},${PROFILE}`;
  const threshold = formatPromNumber(q.idleBelow);
  return {
    busy: `sum by (${byNamespace}) ${activity(held)}`,
    allocated: `count by (${byNamespace}) ${activity(held)}`,
    idle: `count by (${q.labels.namespace},${q.labels.pod},${MODEL},${PROFILE},${HOST},${UUID},${INSTANCE}) (${activity(held)} < ${threshold})`,
    present: `count(${activity(any)})`,
  };
}

/** A rational as a PromQL number literal (exact for terminating decimals, 12 places otherwise). */
function formatPromNumber(r: Rational): string {
  const scale = 10n ** 12n;
  const scaled = (r.numerator * scale) / r.denominator;
  const whole = scaled / scale;
  const fraction = (scaled % scale).toString().padStart(12, '0').replace(/0+$/, '');
  return fraction === '' ? whole.toString() : `${whole}.${fraction}`;
}

/** A sample's text as an exact rational; NaN and infinities are not use and are refused. */
export function sampleValue(text: string, what: string): Rational {
  const negative = text.startsWith('-');
  const value = parseDecimal(negative ? text.slice(1) : text);
  if (value === null) throw new PrometheusError(`${what}: the value ${JSON.stringify(text)} is not a finite number`, 'bad-response');
  return negative ? rational(-value.numerator, value.denominator) : value;
}

/** GPUs per device: 1 for a whole GPU, `<N>g / slices` for a MIG instance. */
export function gpuShareOf(model: string, profile: string): Rational {
  if (profile === '') return rational(1n, 1n);
  const parsed = parseMigProfile(profile);
  if (parsed === null) return rational(1n, 1n);
  return rational(BigInt(parsed.computeSlices), BigInt(totalComputeSlices(model)));
}

export async function readMeasuredUse(client: PrometheusClient, q: DcgmQuery): Promise<MeasuredRead> {
  const stepMs = q.stepSeconds * 1000;
  const fromMs = Math.ceil(q.from.getTime() / 1000) * 1000;
  const steps = Math.floor((q.to.getTime() - fromMs) / stepMs);
  const queries = dcgmQueries(q);
  const selectorText = q.selector === '' ? '' : ` matching {${q.selector}}`;
  if (steps < 1) return { kind: 'no-series', reason: `the window is shorter than one --prometheus-step (${q.stepSeconds} s)` };
  const range = { start: new Date(fromMs + stepMs), end: new Date(fromMs + steps * stepMs), stepSeconds: q.stepSeconds };

  const present = await client.queryRange(queries.present, range);
  const presentSteps = new Set((present.series[0]?.values ?? []).map(([t]) => Math.round(t * 1000)));
  if (presentSteps.size === 0) {
    return {
      kind: 'no-series',
      reason: `no ${ENGINE_ACTIVE} or ${GPU_UTIL} series${selectorText} at ${client.url} between ${new Date(fromMs).toISOString()} and ${range.end.toISOString()}`,
    };
  }
  const busy = await client.queryRange(queries.busy, range);
  const allocated = await client.queryRange(queries.allocated, range);
  const idle = await client.queryRange(queries.idle, range);

  const stepHours = rational(BigInt(q.stepSeconds), 3600n);
  const perNamespace = new Map<string, NamespaceMeasured>();
  const entry = (namespace: string): NamespaceMeasured => {
    let found = perNamespace.get(namespace);
    if (found === undefined) perNamespace.set(namespace, (found = { namespace, busyGpuHours: ZERO, allocatedGpuHours: ZERO }));
    return found;
  };
  const gpuHours = (series: PromSeries, what: string): Rational => {
    const share = gpuShareOf(series.metric[MODEL] ?? '', series.metric[PROFILE] ?? '');
    let total: Rational = ZERO;
    for (const [, text] of series.values) total = add(total, sampleValue(text, what));
    return multiply(multiply(total, share), stepHours);
  };
  for (const series of busy.series) {
    const ns = entry(series.metric[q.labels.namespace] ?? '');
    ns.busyGpuHours = add(ns.busyGpuHours, gpuHours(series, queries.busy));
  }
  for (const series of allocated.series) {
    const ns = entry(series.metric[q.labels.namespace] ?? '');
    ns.allocatedGpuHours = add(ns.allocatedGpuHours, gpuHours(series, queries.allocated));
  }

  const idleDevices: IdleDevice[] = [];
  for (const series of idle.series) {
    const m = series.metric;
    const idleHours = multiply(rational(BigInt(series.values.length), 1n), stepHours);
    if (idleHours.numerator * q.idleForHours.denominator < q.idleForHours.numerator * idleHours.denominator) continue;
    const instance = m[INSTANCE] ?? '';
    idleDevices.push({
      namespace: m[q.labels.namespace] ?? '',
      pod: m[q.labels.pod] ?? '',
      model: m[MODEL] ?? '',
      profile: m[PROFILE] ?? '',
      host: m[HOST] ?? '',
      device: instance === '' ? (m[UUID] ?? '') : `${m[UUID] ?? ''}/${instance}`,
      idleHours,
    });
  }
  idleDevices.sort((a, b) => {
    const hours = b.idleHours.numerator * a.idleHours.denominator - a.idleHours.numerator * b.idleHours.denominator;
    return (hours > 0n ? 1 : hours < 0n ? -1 : 0) || compareText(a.namespace, b.namespace) || compareText(a.pod, b.pod) || compareText(a.device, b.device);
  });

  const gaps: { from: Date; to: Date }[] = [];
  for (let k = 1; k <= steps; k += 1) {
    const at = fromMs + k * stepMs;
    if (presentSteps.has(at)) continue;
    const last = gaps.at(-1);
    if (last !== undefined && last.to.getTime() === at - stepMs) last.to = new Date(at);
    else gaps.push({ from: new Date(at - stepMs), to: new Date(at) });
  }

  return {
    kind: 'measured',
    use: {
      from: new Date(fromMs),
      to: range.end,
      stepSeconds: q.stepSeconds,
      measuredHours: multiply(rational(BigInt(presentSteps.size), 1n), stepHours),
      gaps,
      namespaces: [...perNamespace.values()].sort((a, b) => compareText(a.namespace, b.namespace)),
      idle: idleDevices,
      warnings: [...new Set([...present.warnings, ...busy.warnings, ...allocated.warnings, ...idle.warnings])],
    },
  };
}
