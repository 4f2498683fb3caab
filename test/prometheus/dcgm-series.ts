/**
 * A quarter of dcgm-exporter series, generated as OpenMetrics text for `promtool tsdb create-blocks-from
 * openmetrics`, with its own ground truth computed here from the values it writes (never by the code under test).
 *
 * 2026-09-01 to 2026-12-01, a sample every 20 minutes (at :10, :30, :50, so no sample sits on an hour boundary and
 * every hour holds three), the demo cluster's namespaces (src/demo/cluster.ts) plus one no team owns:
 * - fraud-train: high use. 4 H100s held all quarter at 0.90/0.80 (odd/even hours), and pods that come and go:
 *   `fraud-train-burst-<k>` holds 2 H100s for 24 h, then none for 24 h, at 0.75.
 * - fraud-serve: two 1g.10gb MIG instances of an A100 (GPU_I_PROFILE / GPU_I_ID; no GPU_UTIL, as on MIG) at 0.40.
 * - recsys: low use: 2 H100s at 0.02/0.04.
 * - nlp-train: zero use: 2 H100s held at 0.
 * - nlp-eval: one 3g.40gb instance at 0.50.
 * - vision: a T4 without profiling metrics: only DCGM_FI_DEV_GPU_UTIL (percent), 60.
 * - scratch: a namespace no team claims, 1 H100 at 0.50.
 * - one H100 no pod holds (empty namespace and pod): it counts for presence, never for a team.
 * - a scrape gap: no sample of any series from 2026-10-20T00:00Z for 6 hours.
 * Whole GPUs also report DCGM_FI_DEV_GPU_UTIL, set 7 points above the engine activity: the reader must prefer
 * DCGM_FI_PROF_GR_ENGINE_ACTIVE where both exist.
 * Every series carries `job="dcgm"`; recsys's and nlp-train's devices are also written as a ServiceMonitor
 * without honorLabels scrapes them (`job="dcgm-sm"`, `namespace="gpu-operator"`, the pod's in `exported_namespace`,
 * `exported_pod`).
 *
 * Activity is kept in hundredths (integers), so the truth is exact: busy GPU-hours of a step are the mean of its
 * samples x 1 h x the device's share of a GPU (1, or 1/7 and 3/7 for the MIG instances of an A100).
 */
export const DATA_FROM = Date.UTC(2026, 8, 1);
export const DATA_TO = Date.UTC(2026, 11, 1);
const HOUR = 3_600_000;
const SAMPLE_OFFSETS_MIN = [10, 30, 50];
export const GAP_FROM = Date.UTC(2026, 9, 20);
export const GAP_HOURS = 6;

interface Device {
  uuid: string;
  gpu: string;
  host: string;
  model: string;
  profile: string;
  instance: string;
  /** GPU share as [num, den]. */
  share: [number, number];
  engine: boolean;
  util: boolean;
}

interface Holding {
  device: Device;
  namespace: string;
  pod: string;
  /** Activity in hundredths at a given hour start (ms). */
  activity: (hour: number) => number;
  /** Whether the pod holds the device in the hour starting at `hour`. */
  holds: (hour: number) => boolean;
  exported: boolean;
}

const H100 = 'NVIDIA H100 80GB HBM3';
const A100 = 'NVIDIA A100-SXM4-80GB';
const T4 = 'Tesla T4';

function gpu(host: string, index: number, model = H100): Device {
  return { uuid: `GPU-${host}-${index}`, gpu: String(index), host, model, profile: '', instance: '', share: [1, 1], engine: model !== T4, util: true };
}

function mig(host: string, index: number, profile: string, instance: string, slices: number): Device {
  return { uuid: `GPU-${host}-${index}`, gpu: String(index), host, model: A100, profile, instance, share: [slices, 7], engine: true, util: false };
}

const always = (): boolean => true;
const oddEven = (odd: number, even: number) => (hour: number): number => (Math.floor(hour / HOUR) % 2 === 1 ? odd : even);
const constant = (value: number) => (): number => value;

export function holdings(): Holding[] {
  const list: Holding[] = [];
  for (let i = 0; i < 4; i += 1) {
    list.push({ device: gpu('h100-a', i), namespace: 'fraud-train', pod: 'fraud-train-main', activity: oddEven(90, 80), holds: always, exported: false });
  }
  // Bursts: pod k holds two GPUs during day 2k of the data, nothing during day 2k + 1.
  const days = Math.round((DATA_TO - DATA_FROM) / (24 * HOUR));
  for (let k = 0; 2 * k < days; k += 1) {
    const start = DATA_FROM + 2 * k * 24 * HOUR;
    for (let i = 4; i < 6; i += 1) {
      list.push({
        device: gpu('h100-a', i),
        namespace: 'fraud-train',
        pod: `fraud-train-burst-${k}`,
        activity: constant(75),
        holds: (hour) => hour >= start && hour < start + 24 * HOUR,
        exported: false,
      });
    }
  }
  list.push({ device: mig('a100-m', 0, '1g.10gb', '7', 1), namespace: 'fraud-serve', pod: 'fraud-serve-0', activity: constant(40), holds: always, exported: false });
  list.push({ device: mig('a100-m', 0, '1g.10gb', '8', 1), namespace: 'fraud-serve', pod: 'fraud-serve-1', activity: constant(40), holds: always, exported: false });
  for (let i = 0; i < 2; i += 1) {
    list.push({ device: gpu('h100-b', i), namespace: 'recsys', pod: 'recsys-0', activity: oddEven(2, 4), holds: always, exported: true });
    list.push({ device: gpu('h100-b', i + 2), namespace: 'nlp-train', pod: 'nlp-train-0', activity: constant(0), holds: always, exported: true });
  }
  list.push({ device: mig('a100-m', 1, '3g.40gb', '1', 3), namespace: 'nlp-eval', pod: 'nlp-eval-0', activity: constant(50), holds: always, exported: false });
  list.push({ device: gpu('t4-a', 0, T4), namespace: 'vision', pod: 'vision-0', activity: constant(60), holds: always, exported: false });
  list.push({ device: gpu('h100-b', 4), namespace: 'scratch', pod: 'scratch-0', activity: constant(50), holds: always, exported: false });
  list.push({ device: gpu('h100-b', 5), namespace: '', pod: '', activity: constant(0), holds: always, exported: false });
  return list;
}

const inGap = (t: number): boolean => t >= GAP_FROM && t < GAP_FROM + GAP_HOURS * HOUR;

function labelText(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(',');
}

function deviceLabels(h: Holding, exported: boolean): Record<string, string> {
  const d = h.device;
  const base: Record<string, string> = { gpu: d.gpu, UUID: d.uuid, device: `nvidia${d.gpu}`, modelName: d.model, Hostname: d.host };
  if (d.profile !== '') Object.assign(base, { GPU_I_PROFILE: d.profile, GPU_I_ID: d.instance });
  if (exported) {
    return { ...base, job: 'dcgm-sm', namespace: 'gpu-operator', pod: 'nvidia-dcgm-exporter-x1', container: 'nvidia-dcgm-exporter', exported_namespace: h.namespace, exported_pod: h.pod, exported_container: h.pod === '' ? '' : 'main' };
  }
  return { ...base, job: 'dcgm', namespace: h.namespace, pod: h.pod, container: h.pod === '' ? '' : 'main' };
}

/** `hundredths / 100` as decimal text: 75 -> "0.75", 0 -> "0". */
const ratioText = (hundredths: number): string => (hundredths === 0 ? '0' : (hundredths / 100).toFixed(2));

/** The OpenMetrics text (one family per metric, each series' samples in time order, `# EOF` last). */
export function openMetrics(): string {
  const lines: string[] = [];
  // GPU_UTIL is a percent: on GPUs with profiling metrics it is set 7 points above the engine activity (the reader
  // must take ENGINE_ACTIVE there); on the T4 it is the only measure.
  const families: [string, (h: Holding) => boolean, (h: Holding, value: number) => string][] = [
    ['DCGM_FI_PROF_GR_ENGINE_ACTIVE', (h) => h.device.engine, (_h, v) => ratioText(v)],
    ['DCGM_FI_DEV_GPU_UTIL', (h) => h.device.util, (h, v) => String(h.device.engine ? v + 7 : v)],
  ];
  for (const [name, has, format] of families) {
    lines.push(`# TYPE ${name} gauge`);
    for (const h of holdings()) {
      if (!has(h)) continue;
      for (const exported of h.exported ? [false, true] : [false]) {
        const labels = labelText(deviceLabels(h, exported));
        for (let hour = DATA_FROM; hour < DATA_TO; hour += HOUR) {
          if (!h.holds(hour)) continue;
          for (const minute of SAMPLE_OFFSETS_MIN) {
            const t = hour + minute * 60_000;
            if (inGap(t)) continue;
            lines.push(`${name}{${labels}} ${format(h, h.activity(hour))} ${t / 1000}`);
          }
        }
      }
    }
  }
  lines.push('# EOF');
  return `${lines.join('\n')}\n`;
}

/** Samples of a holding in the hour starting at `hour`, in hundredths of activity (what openMetrics writes). */
function samplesIn(h: Holding, hour: number): number[] {
  if (!h.holds(hour)) return [];
  return SAMPLE_OFFSETS_MIN.map((minute) => hour + minute * 60_000)
    .filter((t) => !inGap(t))
    .map(() => h.activity(hour));
}

/** `units / den` rounded half up to 3 decimals, as text: the printers' format, computed here on its own. */
export function fixed3(units: bigint, den: bigint): string {
  const scaled = (units * 1000n * 2n + den) / (2n * den);
  return `${scaled / 1000n}.${(scaled % 1000n).toString().padStart(3, '0')}`;
}

/** Truth's exact unit: 1/2100 GPU-hour. */
export const TRUTH_UNIT = 2100n;

/** GPU-hours busy and allocated of a team's namespaces added up exactly, as 3-decimal text. */
export function teamTruth(t: Truth, namespaces: readonly string[]): { busy: string; allocated: string } {
  let busy = 0n;
  let allocated = 0n;
  for (const ns of namespaces) {
    busy += t.units[ns]?.busy ?? 0n;
    allocated += t.units[ns]?.allocated ?? 0n;
  }
  return { busy: fixed3(busy, TRUTH_UNIT), allocated: fixed3(allocated, TRUTH_UNIT) };
}

export interface Truth {
  /** Per namespace (direct labels, job="dcgm"), GPU-hours busy and allocated, 3 decimals. */
  namespaces: Record<string, { busy: string; allocated: string }>;
  /** The same in units of 1/2100 GPU-hour (exact), to add namespaces up into teams. */
  units: Record<string, { busy: bigint; allocated: bigint }>;
  /** Hours of the window with at least one sample. */
  measuredHours: number;
  /** Devices idle (hourly mean below `idleBelow` hundredths) for at least `idleForHours`, `namespace/pod/device` -> hours. */
  idle: Record<string, number>;
}

/**
 * What the generated series say over `[from, from + hours h)`, counting each hour as Prometheus's step ending at
 * its end sees it. `only` keeps the holdings also written with exported_* labels.
 */
export function truth(options: { from: number; hours: number; idleBelow: number; idleForHours: number; only?: 'exported' }): Truth {
  // Busy and allocated in units of 1/2100 GPU-hour: shares are n/1 or n/7, activity in hundredths, 3 samples an hour.
  const UNIT = TRUTH_UNIT;
  const busy = new Map<string, bigint>();
  const allocated = new Map<string, bigint>();
  const idle: Record<string, number> = {};
  const idleHours = new Map<string, number>();
  let measured = 0;
  const all = holdings();
  for (let k = 0; k < options.hours; k += 1) {
    const hour = options.from + k * HOUR;
    if (all.some((h) => samplesIn(h, hour).length > 0)) measured += 1;
  }
  for (const h of all) {
    if (h.pod === '' || (options.only === 'exported' && !h.exported)) continue;
    const sevenths = BigInt((h.device.share[0] * 7) / h.device.share[1]);
    const key = `${h.namespace}/${h.pod}/${h.device.uuid}${h.device.instance === '' ? '' : `/${h.device.instance}`}`;
    for (let k = 0; k < options.hours; k += 1) {
      const samples = samplesIn(h, options.from + k * HOUR);
      if (samples.length === 0) continue;
      const sum = BigInt(samples.reduce((a, b) => a + b, 0));
      // share x mean / 100 GPU-hours = sevenths/7 x sum/count / 100; in units of 1/2100: sevenths x sum x 3 / count.
      busy.set(h.namespace, (busy.get(h.namespace) ?? 0n) + (sevenths * sum * 3n) / BigInt(samples.length));
      allocated.set(h.namespace, (allocated.get(h.namespace) ?? 0n) + sevenths * 300n);
      if (sum * 1n < BigInt(options.idleBelow * samples.length)) idleHours.set(key, (idleHours.get(key) ?? 0) + 1);
    }
  }
  for (const [key, hours] of idleHours) if (hours >= options.idleForHours) idle[key] = hours;
  const namespaces: Truth['namespaces'] = {};
  const units: Truth['units'] = {};
  for (const ns of [...allocated.keys()].sort()) {
    namespaces[ns] = { busy: fixed3(busy.get(ns) ?? 0n, UNIT), allocated: fixed3(allocated.get(ns) ?? 0n, UNIT) };
    units[ns] = { busy: busy.get(ns) ?? 0n, allocated: allocated.get(ns) ?? 0n };
  }
  return { namespaces, units, measuredHours: measured, idle };
}
