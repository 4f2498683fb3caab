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
 *
 * GPU memory is `DCGM_FI_DEV_FB_USED` (framebuffer MiB in use, per GPU or MIG instance): per namespace its MiB-hours
 * and device-hours (so an average per device held) and its peak on one device; per idle device the same over its
 * idle steps only, to tell a GPU held with a model loaded from one held empty.
 *
 * A device is held when its series carries the pod labels, or, where they are absent, dcgm-exporter's DRA labels
 * (`dra_claim_namespace`, `dra_claim_name`): the claim's namespace then stands for the pod's, and the pod is shown as
 * `resourceclaim/<name>` (dra-and-schedulers.md, "GPU metrics"). Both are read by every query, with no flag.
 */
import { ValidationError } from '../../errors.js';
import { parseMigProfile, totalComputeSlices } from '../../inventory/mig.js';
import { add, compare, divide, multiply, parseDecimal, rational, ZERO, type Rational } from '../../rational.js';
import { PrometheusError, type PrometheusClient, type PromSeries } from './client.js';
import { compareText } from '../../text-order.js';

export const ENGINE_ACTIVE = 'DCGM_FI_PROF_GR_ENGINE_ACTIVE';
export const GPU_UTIL = 'DCGM_FI_DEV_GPU_UTIL';
export const FB_USED = 'DCGM_FI_DEV_FB_USED';

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
/** DRA mode (dcgm-exporter with DRA claims): the claim holding the device. */
const CLAIM_NAMESPACE = 'dra_claim_namespace';
const CLAIM_NAME = 'dra_claim_name';

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
  memory: MemoryUse;
}

/** GPU memory used (DCGM_FI_DEV_FB_USED), in MiB; devices counted alike, whole GPU or MIG instance. */
export interface MemoryUse {
  /** Sum over steps of the step's average MiB in use on each device, times the step in hours. */
  mibHours: Rational;
  /** Hours of devices with a memory sample (a device held for a step counts the step). */
  deviceHours: Rational;
  /** The most MiB any one device used at any sample; null without a memory sample. */
  peakMib: Rational | null;
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
  /** MiB in use over its idle steps: the average of the steps' averages, and the peak sample; null without samples. */
  idleMemoryAverageMib: Rational | null;
  idleMemoryPeakMib: Rational | null;
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

export interface DcgmQueries {
  busy: string;
  allocated: string;
  idle: string;
  present: string;
  memory: string;
  memoryDevices: string;
  memoryPeak: string;
  idleMemory: string;
  idleMemoryPeak: string;
}

/** The PromQL of every query, exported for the docs and tests. */
export function dcgmQueries(q: Pick<DcgmQuery, 'stepSeconds' | 'labels' | 'selector' | 'idleBelow'>): DcgmQueries {
  const extra = q.selector === '' ? '' : `,${q.selector}`;
  const ns = q.labels.namespace;
  const pod = q.labels.pod;
  const any = `{${q.selector}}`;
  const range = `[${q.stepSeconds}s]`;
  // A held device's series over a step: by the pod labels, or by the DRA claim's where the pod labels are absent
  // (its namespace and name copied into the namespace and pod labels, so every query groups both alike).
  const held = (fn: string, metric: string): string =>
    `(${fn}(${metric}{${ns}!="",${pod}!=""${extra}}${range}) or ` +
    `label_replace(label_replace(${fn}(${metric}{${ns}="",${CLAIM_NAMESPACE}!=""${extra}}${range}), ` +
    `"${ns}", "$1", "${CLAIM_NAMESPACE}", "(.+)"), "${pod}", "resourceclaim/$1", "${CLAIM_NAME}", "(.+)"))`;
  const activity = `(${held('avg_over_time', ENGINE_ACTIVE)} or ${held('avg_over_time', GPU_UTIL)} / 100)`;
  const anyActivity = `(avg_over_time(${ENGINE_ACTIVE}${any}${range}) or avg_over_time(${GPU_UTIL}${any}${range}) / 100)`;
  const byNamespace = `${ns},${MODEL},${PROFILE}`;
  const byDevice = `${ns},${pod},${MODEL},${PROFILE},${HOST},${UUID},${INSTANCE}`;
  const idleSteps = `(${activity} < ${formatPromNumber(q.idleBelow)})`;
  return {
    busy: `sum by (${byNamespace}) ${activity}`,
    allocated: `count by (${byNamespace}) ${activity}`,
    idle: `count by (${byDevice}) ${idleSteps}`,
    present: `count(${anyActivity})`,
    memory: `sum by (${ns}) ${held('avg_over_time', FB_USED)}`,
    memoryDevices: `count by (${ns}) ${held('avg_over_time', FB_USED)}`,
    memoryPeak: `max by (${ns}) ${held('max_over_time', FB_USED)}`,
    idleMemory: `avg by (${byDevice}) (${held('avg_over_time', FB_USED)} and on (${byDevice}) ${idleSteps})`,
    idleMemoryPeak: `max by (${byDevice}) (${held('max_over_time', FB_USED)} and on (${byDevice}) ${idleSteps})`,
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
    // Prometheus's warnings (a store that did not answer) may be why there is nothing: said, never dropped.
    const warned = present.warnings.length === 0 ? '' : ` (Prometheus warned: ${present.warnings.join('; ')})`;
    return {
      kind: 'no-series',
      reason: `no ${ENGINE_ACTIVE} or ${GPU_UTIL} series${selectorText} at ${client.url} between ${new Date(fromMs).toISOString()} and ${range.end.toISOString()}${warned}`,
    };
  }
  const busy = await client.queryRange(queries.busy, range);
  const allocated = await client.queryRange(queries.allocated, range);
  const idle = await client.queryRange(queries.idle, range);
  const memory = await client.queryRange(queries.memory, range);
  const memoryDevices = await client.queryRange(queries.memoryDevices, range);
  const memoryPeak = await client.queryRange(queries.memoryPeak, range);
  const idleMemory = await client.queryRange(queries.idleMemory, range);
  const idleMemoryPeak = await client.queryRange(queries.idleMemoryPeak, range);

  const stepHours = rational(BigInt(q.stepSeconds), 3600n);
  const perNamespace = new Map<string, NamespaceMeasured>();
  const entry = (namespace: string): NamespaceMeasured => {
    let found = perNamespace.get(namespace);
    if (found === undefined) {
      perNamespace.set(namespace, (found = { namespace, busyGpuHours: ZERO, allocatedGpuHours: ZERO, memory: { mibHours: ZERO, deviceHours: ZERO, peakMib: null } }));
    }
    return found;
  };
  const sumOf = (series: PromSeries, what: string): Rational => {
    let total: Rational = ZERO;
    for (const [, text] of series.values) total = add(total, sampleValue(text, what));
    return total;
  };
  const peakOf = (series: PromSeries, what: string, start: Rational | null): Rational | null => {
    let peak = start;
    for (const [, text] of series.values) {
      const value = sampleValue(text, what);
      if (peak === null || compare(value, peak) > 0) peak = value;
    }
    return peak;
  };
  const gpuHours = (series: PromSeries, what: string): Rational =>
    multiply(multiply(sumOf(series, what), gpuShareOf(series.metric[MODEL] ?? '', series.metric[PROFILE] ?? '')), stepHours);
  for (const series of busy.series) {
    const ns = entry(series.metric[q.labels.namespace] ?? '');
    ns.busyGpuHours = add(ns.busyGpuHours, gpuHours(series, queries.busy));
  }
  for (const series of allocated.series) {
    const ns = entry(series.metric[q.labels.namespace] ?? '');
    ns.allocatedGpuHours = add(ns.allocatedGpuHours, gpuHours(series, queries.allocated));
  }
  // Memory of namespaces with held devices only, like every other figure.
  const heldNamespace = (series: PromSeries): NamespaceMeasured | undefined => perNamespace.get(series.metric[q.labels.namespace] ?? '');
  for (const series of memory.series) {
    const ns = heldNamespace(series);
    if (ns !== undefined) ns.memory.mibHours = add(ns.memory.mibHours, multiply(sumOf(series, queries.memory), stepHours));
  }
  for (const series of memoryDevices.series) {
    const ns = heldNamespace(series);
    if (ns !== undefined) ns.memory.deviceHours = add(ns.memory.deviceHours, multiply(sumOf(series, queries.memoryDevices), stepHours));
  }
  for (const series of memoryPeak.series) {
    const ns = heldNamespace(series);
    if (ns !== undefined) ns.memory.peakMib = peakOf(series, queries.memoryPeak, ns.memory.peakMib);
  }

  const deviceKey = (m: Record<string, string>): string =>
    JSON.stringify([q.labels.namespace, q.labels.pod, MODEL, PROFILE, HOST, UUID, INSTANCE].map((label) => m[label] ?? ''));
  const idleMemoryOf = new Map(idleMemory.series.map((series) => [deviceKey(series.metric), series]));
  const idlePeakOf = new Map(idleMemoryPeak.series.map((series) => [deviceKey(series.metric), series]));
  const idleDevices: IdleDevice[] = [];
  for (const series of idle.series) {
    const m = series.metric;
    const idleHours = multiply(rational(BigInt(series.values.length), 1n), stepHours);
    if (idleHours.numerator * q.idleForHours.denominator < q.idleForHours.numerator * idleHours.denominator) continue;
    const instance = m[INSTANCE] ?? '';
    const memorySteps = idleMemoryOf.get(deviceKey(m));
    const memoryPeakSteps = idlePeakOf.get(deviceKey(m));
    idleDevices.push({
      namespace: m[q.labels.namespace] ?? '',
      pod: m[q.labels.pod] ?? '',
      model: m[MODEL] ?? '',
      profile: m[PROFILE] ?? '',
      host: m[HOST] ?? '',
      device: instance === '' ? (m[UUID] ?? '') : `${m[UUID] ?? ''}/${instance}`,
      idleHours,
      idleMemoryAverageMib:
        memorySteps === undefined || memorySteps.values.length === 0
          ? null
          : divide(sumOf(memorySteps, queries.idleMemory), rational(BigInt(memorySteps.values.length), 1n)),
      idleMemoryPeakMib: memoryPeakSteps === undefined ? null : peakOf(memoryPeakSteps, queries.idleMemoryPeak, null),
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
      warnings: [...new Set([present, busy, allocated, idle, memory, memoryDevices, memoryPeak, idleMemory, idleMemoryPeak].flatMap((result) => result.warnings))],
    },
  };
}
