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
 * - DRA: two H100s held through ResourceClaims, written as dcgm-exporter writes them in DRA mode: no pod labels,
 *   `dra_claim_namespace` / `dra_claim_name` / `dra_pool_name` / `dra_device_name` instead (`job="dcgm-dra"` only):
 *   nlp-eval's claim `nlp-eval-gpu` at 0.03 (idle below 5%), vision's `vision-infer` at 0.70/0.30.
 * Every held device also reports DCGM_FI_DEV_FB_USED (MiB), three different values an hour (see `memory`), so the
 * average and the peak differ; the device no pod holds reports 0.
 * Whole GPUs also report DCGM_FI_DEV_GPU_UTIL, set 7 points above the engine activity: the reader must prefer
 * DCGM_FI_PROF_GR_ENGINE_ACTIVE where both exist.
 * Every series carries `job="dcgm"`; recsys's and nlp-train's devices are also written as a ServiceMonitor
 * without honorLabels scrapes them (`job="dcgm-sm"`, `namespace="gpu-operator"`, the pod's in `exported_namespace`,
 * `exported_pod`).
 *
 * Activity is kept in hundredths (integers) and memory in whole MiB, so the truth is exact: busy GPU-hours of a step are the mean of its
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
  /** MiB in use at :10, :30 and :50 of the hour starting at `hour`. */
  memory: (hour: number) => readonly [number, number, number];
  /** Held through a ResourceClaim: written with DRA labels only (no pod labels), under job="dcgm-dra". */
  claim?: string;
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
const mib = (odd: readonly [number, number, number], even: readonly [number, number, number] = odd) => (hour: number): readonly [number, number, number] =>
  Math.floor(hour / HOUR) % 2 === 1 ? odd : even;

export function holdings(): Holding[] {
  const list: Holding[] = [];
  for (let i = 0; i < 4; i += 1) {
    list.push({ device: gpu('h100-a', i), namespace: 'fraud-train', pod: 'fraud-train-main', activity: oddEven(90, 80), holds: always, exported: false, memory: mib([61000, 64000, 70001], [50000, 52000, 54000]) });
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
        memory: mib([30000, 30000, 36000]),
      });
    }
  }
  list.push({ device: mig('a100-m', 0, '1g.10gb', '7', 1), namespace: 'fraud-serve', pod: 'fraud-serve-0', activity: constant(40), holds: always, exported: false, memory: mib([8000, 9000, 9500]) });
  list.push({ device: mig('a100-m', 0, '1g.10gb', '8', 1), namespace: 'fraud-serve', pod: 'fraud-serve-1', activity: constant(40), holds: always, exported: false, memory: mib([7000, 7000, 7001]) });
  for (let i = 0; i < 2; i += 1) {
    // recsys holds its models in memory while idle; nlp-train holds almost nothing.
    list.push({ device: gpu('h100-b', i), namespace: 'recsys', pod: 'recsys-0', activity: oddEven(2, 4), holds: always, exported: true, memory: mib([20480, 20480, 20481 + i]) });
    list.push({ device: gpu('h100-b', i + 2), namespace: 'nlp-train', pod: 'nlp-train-0', activity: constant(0), holds: always, exported: true, memory: mib([512, 512, 1024]) });
  }
  list.push({ device: mig('a100-m', 1, '3g.40gb', '1', 3), namespace: 'nlp-eval', pod: 'nlp-eval-0', activity: constant(50), holds: always, exported: false, memory: mib([30000, 32000, 34000]) });
  list.push({ device: gpu('t4-a', 0, T4), namespace: 'vision', pod: 'vision-0', activity: constant(60), holds: always, exported: false, memory: mib([10000, 12000, 14000]) });
  list.push({ device: gpu('h100-b', 4), namespace: 'scratch', pod: 'scratch-0', activity: constant(50), holds: always, exported: false, memory: mib([40000, 40000, 40000]) });
  list.push({ device: gpu('h100-b', 5), namespace: '', pod: '', activity: constant(0), holds: always, exported: false, memory: mib([0, 0, 0]) });
  list.push({ device: gpu('h100-c', 0), namespace: 'nlp-eval', pod: '', claim: 'nlp-eval-gpu', activity: constant(3), holds: always, exported: false, memory: mib([4096, 4096, 6144]) });
  list.push({ device: gpu('h100-c', 1), namespace: 'vision', pod: '', claim: 'vision-infer', activity: oddEven(70, 30), holds: always, exported: false, memory: mib([70000, 71000, 72000], [1000, 2000, 3000]) });
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
  if (h.claim !== undefined) {
    return { ...base, job: 'dcgm-dra', dra_claim_name: h.claim, dra_claim_namespace: h.namespace, dra_pool_name: d.host, dra_device_name: `gpu-${d.gpu}` };
  }
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
  const families: [string, (h: Holding) => boolean, (h: Holding, hour: number, sample: number) => string][] = [
    ['DCGM_FI_PROF_GR_ENGINE_ACTIVE', (h) => h.device.engine, (h, hour) => ratioText(h.activity(hour))],
    ['DCGM_FI_DEV_GPU_UTIL', (h) => h.device.util, (h, hour) => String(h.device.engine ? h.activity(hour) + 7 : h.activity(hour))],
    ['DCGM_FI_DEV_FB_USED', () => true, (h, hour, sample) => String(h.memory(hour)[sample])],
  ];
  for (const [name, has, format] of families) {
    lines.push(`# TYPE ${name} gauge`);
    for (const h of holdings()) {
      if (!has(h)) continue;
      for (const exported of h.exported ? [false, true] : [false]) {
        const labels = labelText(deviceLabels(h, exported));
        for (let hour = DATA_FROM; hour < DATA_TO; hour += HOUR) {
          if (!h.holds(hour)) continue;
          SAMPLE_OFFSETS_MIN.forEach((minute, sample) => {
            const t = hour + minute * 60_000;
            if (!inGap(t)) lines.push(`${name}{${labels}} ${format(h, hour, sample)} ${t / 1000}`);
          });
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

/** Memory samples (MiB) of a holding in the hour starting at `hour`. */
function memoryIn(h: Holding, hour: number): number[] {
  if (!h.holds(hour)) return [];
  return SAMPLE_OFFSETS_MIN.flatMap((minute, sample) => (inGap(hour + minute * 60_000) ? [] : [h.memory(hour)[sample] as number]));
}

/** `units / den` rounded half up to `digits` decimals, as text: the printers' format, computed here on its own. */
export function fixed(units: bigint, den: bigint, digits: number): string {
  const scale = 10n ** BigInt(digits);
  const scaled = (units * scale * 2n + den) / (2n * den);
  return digits === 0 ? `${scaled}` : `${scaled / scale}.${(scaled % scale).toString().padStart(digits, '0')}`;
}

/** `units / den` rounded half up to 3 decimals. */
export function fixed3(units: bigint, den: bigint): string {
  return fixed(units, den, 3);
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

/** GPU memory of a team's namespaces: MiB per device held (1 decimal) and the peak of one device (whole MiB). */
export function teamMemoryTruth(t: Truth, namespaces: readonly string[]): { average: string | null; peak: string | null } {
  let thirds = 0n;
  let deviceHours = 0n;
  let peak: number | null = null;
  for (const ns of namespaces) {
    const m = t.memory[ns];
    if (m === undefined) continue;
    thirds += m.mibHourThirds;
    deviceHours += m.deviceHours;
    peak = peak === null ? m.peak : Math.max(peak, m.peak);
  }
  return { average: deviceHours === 0n ? null : fixed(thirds, 3n * deviceHours, 1), peak: peak === null ? null : String(peak) };
}

export interface Truth {
  /** Per namespace (direct labels, job="dcgm"), GPU-hours busy and allocated, 3 decimals. */
  namespaces: Record<string, { busy: string; allocated: string }>;
  /** The same in units of 1/2100 GPU-hour (exact), to add namespaces up into teams. */
  units: Record<string, { busy: bigint; allocated: bigint }>;
  /** Per namespace, GPU memory: MiB-hours in thirds (each hour's mean of 3 samples), device-hours, the peak sample. */
  memory: Record<string, { mibHourThirds: bigint; deviceHours: bigint; peak: number }>;
  /** Hours of the window with at least one sample. */
  measuredHours: number;
  /** Devices idle (hourly mean below `idleBelow` hundredths) for at least `idleForHours`, `namespace/pod/device` -> hours. */
  idle: Record<string, number>;
  /** The same devices' memory over their idle hours: the mean of the hours' means (1 decimal), the peak sample. */
  idleMemory: Record<string, { average: string; peak: string }>;
}

/**
 * What the generated series say over `[from, from + hours h)`, counting each hour as Prometheus's step ending at
 * its end sees it. Default: the series of job="dcgm" (pod labels); `only: 'exported'` the holdings also written with
 * exported_* labels (job="dcgm-sm"); `only: 'dra'` those held through a claim (job="dcgm-dra").
 */
export function truth(options: { from: number; hours: number; idleBelow: number; idleForHours: number; only?: 'exported' | 'dra' }): Truth {
  // Busy and allocated in units of 1/2100 GPU-hour: shares are n/1 or n/7, activity in hundredths, 3 samples an hour.
  const UNIT = TRUTH_UNIT;
  const busy = new Map<string, bigint>();
  const allocated = new Map<string, bigint>();
  const memory: Truth['memory'] = {};
  const idle: Record<string, number> = {};
  const idleMemory: Truth['idleMemory'] = {};
  const idleHours = new Map<string, { hours: number; mibThirds: bigint; peak: number }>();
  let measured = 0;
  const all = holdings();
  for (let k = 0; k < options.hours; k += 1) {
    const hour = options.from + k * HOUR;
    if (all.some((h) => samplesIn(h, hour).length > 0)) measured += 1;
  }
  const selected = (h: Holding): boolean =>
    options.only === 'exported' ? h.exported : options.only === 'dra' ? h.claim !== undefined : h.claim === undefined;
  for (const h of all) {
    if ((h.pod === '' && h.claim === undefined) || !selected(h)) continue;
    const sevenths = BigInt((h.device.share[0] * 7) / h.device.share[1]);
    const pod = h.claim === undefined ? h.pod : `resourceclaim/${h.claim}`;
    const key = `${h.namespace}/${pod}/${h.device.uuid}${h.device.instance === '' ? '' : `/${h.device.instance}`}`;
    for (let k = 0; k < options.hours; k += 1) {
      const hour = options.from + k * HOUR;
      const samples = samplesIn(h, hour);
      if (samples.length === 0) continue;
      const sum = BigInt(samples.reduce((a, b) => a + b, 0));
      // share x mean / 100 GPU-hours = sevenths/7 x sum/count / 100; in units of 1/2100: sevenths x sum x 3 / count.
      busy.set(h.namespace, (busy.get(h.namespace) ?? 0n) + (sevenths * sum * 3n) / BigInt(samples.length));
      allocated.set(h.namespace, (allocated.get(h.namespace) ?? 0n) + sevenths * 300n);
      // Memory: an hour's mean of 3 samples is (sum of them) thirds of a MiB.
      const mibs = memoryIn(h, hour);
      const m = (memory[h.namespace] ??= { mibHourThirds: 0n, deviceHours: 0n, peak: 0 });
      m.mibHourThirds += BigInt(mibs.reduce((a, b) => a + b, 0));
      m.deviceHours += 1n;
      m.peak = Math.max(m.peak, ...mibs);
      if (sum < BigInt(options.idleBelow * samples.length)) {
        const i = idleHours.get(key) ?? { hours: 0, mibThirds: 0n, peak: 0 };
        i.hours += 1;
        i.mibThirds += BigInt(mibs.reduce((a, b) => a + b, 0));
        i.peak = Math.max(i.peak, ...mibs);
        idleHours.set(key, i);
      }
    }
  }
  for (const [key, i] of idleHours) {
    if (i.hours < options.idleForHours) continue;
    idle[key] = i.hours;
    idleMemory[key] = { average: fixed(i.mibThirds, 3n * BigInt(i.hours), 1), peak: String(i.peak) };
  }
  const namespaces: Truth['namespaces'] = {};
  const units: Truth['units'] = {};
  for (const ns of [...allocated.keys()].sort()) {
    namespaces[ns] = { busy: fixed3(busy.get(ns) ?? 0n, UNIT), allocated: fixed3(allocated.get(ns) ?? 0n, UNIT) };
    units[ns] = { busy: busy.get(ns) ?? 0n, allocated: allocated.get(ns) ?? 0n };
  }
  return { namespaces, units, memory, measuredHours: measured, idle, idleMemory };
}
