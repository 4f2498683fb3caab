/**
 * Reading measured GPU use from a real Prometheus loaded with a generated quarter of dcgm-exporter series. Every
 * expected figure comes from the generator's own truth (dcgm-series.ts), never from the reader.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createPrometheusClient, PrometheusError, type PrometheusClient } from '../../src/collect/prometheus/client.js';
import { readMeasuredUse, type DcgmQuery, type MeasuredUse } from '../../src/collect/prometheus/dcgm.js';
import { rational } from '../../src/rational.js';
import { formatFixed } from '../../src/review/decimal.js';
import { fixed, GAP_FROM, GAP_HOURS, truth } from './dcgm-series.js';
import { closedPort, dcgmBlocks, startPrometheus, type RunningPrometheus } from './harness.js';

const FROM = Date.UTC(2026, 9, 1);
const HOURS = 1395;
const HOUR = 3_600_000;

const query = (overrides: Partial<DcgmQuery> = {}): DcgmQuery => ({
  from: new Date(FROM),
  to: new Date(FROM + HOURS * HOUR),
  stepSeconds: 3600,
  labels: { namespace: 'namespace', pod: 'pod' },
  selector: 'job="dcgm"',
  idleBelow: rational(5n, 100n),
  idleForHours: rational(24n),
  ...overrides,
});

function figures(use: MeasuredUse): Record<string, { busy: string; allocated: string }> {
  return Object.fromEntries(use.namespaces.map((n) => [n.namespace, { busy: formatFixed(n.busyGpuHours, 3), allocated: formatFixed(n.allocatedGpuHours, 3) }]));
}

function idleOf(use: MeasuredUse): Record<string, number> {
  return Object.fromEntries(use.idle.map((d) => [`${d.namespace}/${d.pod}/${d.device}`, Number(formatFixed(d.idleHours, 0))]));
}

/** Per namespace: MiB-hours (3 decimals), device-hours and the peak, as the truth states them. */
function memoryOfUse(use: MeasuredUse): Record<string, { mibHours: string; deviceHours: string; peak: string | null }> {
  return Object.fromEntries(
    use.namespaces.map((n) => [
      n.namespace,
      { mibHours: formatFixed(n.memory.mibHours, 3), deviceHours: formatFixed(n.memory.deviceHours, 0), peak: n.memory.peakMib === null ? null : formatFixed(n.memory.peakMib, 0) },
    ]),
  );
}

function memoryTruth(t: ReturnType<typeof truth>): Record<string, { mibHours: string; deviceHours: string; peak: string | null }> {
  return Object.fromEntries(
    Object.keys(t.namespaces).map((ns) => {
      const m = t.memory[ns];
      return [ns, m === undefined ? { mibHours: '0.000', deviceHours: '0', peak: null } : { mibHours: fixed(m.mibHourThirds, 3n, 3), deviceHours: String(m.deviceHours), peak: String(m.peak) }];
    }),
  );
}

function idleMemoryOf(use: MeasuredUse): Record<string, { average: string | null; peak: string | null }> {
  return Object.fromEntries(
    use.idle.map((d) => [
      `${d.namespace}/${d.pod}/${d.device}`,
      {
        average: d.idleMemoryAverageMib === null ? null : formatFixed(d.idleMemoryAverageMib, 1),
        peak: d.idleMemoryPeakMib === null ? null : formatFixed(d.idleMemoryPeakMib, 0),
      },
    ]),
  );
}

async function measured(client: PrometheusClient, q: DcgmQuery): Promise<MeasuredUse> {
  const read = await readMeasuredUse(client, q);
  assert.equal(read.kind, 'measured', read.kind === 'no-series' ? read.reason : '');
  return (read as { use: MeasuredUse }).use;
}

describe('measured GPU use from a real Prometheus (dcgm-exporter series)', () => {
  let prometheus: RunningPrometheus;
  let client: PrometheusClient;
  before(async () => {
    prometheus = await startPrometheus({ blocks: dcgmBlocks() });
    client = createPrometheusClient({ url: prometheus.url, timeoutMs: 30_000 });
  });
  after(async () => {
    await client?.close();
    await prometheus?.stop();
  });

  it('per namespace: busy and allocated GPU-hours, MIG instances by their share, GPU_UTIL only where ENGINE_ACTIVE is missing', async () => {
    const use = await measured(client, query());
    const expected = truth({ from: FROM, hours: HOURS, idleBelow: 5, idleForHours: 24 });
    assert.deepEqual(figures(use), expected.namespaces);
    // Spot checks of the truth itself: vision's T4 reports GPU_UTIL 60% only; nlp-train held 2 GPUs at 0.
    assert.deepEqual(expected.namespaces.vision, { busy: '833.400', allocated: '1389.000' });
    assert.deepEqual(expected.namespaces['nlp-train'], { busy: '0.000', allocated: '2778.000' });
  });

  it('the scrape gap is reported as a gap and the hours measured exclude it', async () => {
    const use = await measured(client, query());
    assert.deepEqual(use.gaps, [{ from: new Date(GAP_FROM), to: new Date(GAP_FROM + GAP_HOURS * HOUR) }]);
    assert.equal(formatFixed(use.measuredHours, 3), `${truth({ from: FROM, hours: HOURS, idleBelow: 5, idleForHours: 24 }).measuredHours}.000`);
    assert.deepEqual({ from: use.from, to: use.to }, { from: new Date(FROM), to: new Date(FROM + HOURS * HOUR) });
  });

  it('idle devices: held by a pod, below 5% activity, for at least 24 h', async () => {
    const use = await measured(client, query());
    assert.deepEqual(idleOf(use), truth({ from: FROM, hours: HOURS, idleBelow: 5, idleForHours: 24 }).idle);
    assert.deepEqual(
      use.idle.map((d) => [d.namespace, d.pod, d.model, d.profile, d.host]),
      [
        ['nlp-train', 'nlp-train-0', 'NVIDIA H100 80GB HBM3', '', 'h100-b'],
        ['nlp-train', 'nlp-train-0', 'NVIDIA H100 80GB HBM3', '', 'h100-b'],
        ['recsys', 'recsys-0', 'NVIDIA H100 80GB HBM3', '', 'h100-b'],
        ['recsys', 'recsys-0', 'NVIDIA H100 80GB HBM3', '', 'h100-b'],
      ],
    );
  });

  it('a higher idle threshold lists the low-use pods and the MIG instances too', async () => {
    const use = await measured(client, query({ idleBelow: rational(45n, 100n) }));
    assert.deepEqual(idleOf(use), truth({ from: FROM, hours: HOURS, idleBelow: 45, idleForHours: 24 }).idle);
    assert.equal(use.idle.length, 6);
  });

  it('series behind a ServiceMonitor without honorLabels are read through exported_namespace / exported_pod', async () => {
    const use = await measured(client, query({ selector: 'job="dcgm-sm"', labels: { namespace: 'exported_namespace', pod: 'exported_pod' } }));
    assert.deepEqual(figures(use), truth({ from: FROM, hours: HOURS, idleBelow: 5, idleForHours: 24, only: 'exported' }).namespaces);
    assert.deepEqual(Object.keys(figures(use)), ['nlp-train', 'recsys']);
  });

  it('GPU memory (DCGM_FI_DEV_FB_USED) per namespace: MiB-hours, device-hours and the peak of one device', async () => {
    const use = await measured(client, query());
    const expected = truth({ from: FROM, hours: HOURS, idleBelow: 5, idleForHours: 24 });
    assert.deepEqual(memoryOfUse(use), memoryTruth(expected));
    // Spot checks of the truth: fraud-serve's two 1g.10gb instances, each hour (8000+9000+9500)/3 and (7000+7000+7001)/3.
    assert.equal(expected.memory['fraud-serve']?.peak, 9500);
    assert.equal(expected.memory['fraud-serve']?.deviceHours, 2n * 1389n);
    assert.equal(expected.memory['fraud-serve']?.mibHourThirds, (26_500n + 21_001n) * 1389n);
  });

  it('idle devices carry the memory they held while idle: average and peak over their idle hours', async () => {
    const use = await measured(client, query({ idleBelow: rational(45n, 100n) }));
    const expected = truth({ from: FROM, hours: HOURS, idleBelow: 45, idleForHours: 24 });
    assert.deepEqual(idleMemoryOf(use), expected.idleMemory);
    assert.deepEqual(expected.idleMemory['recsys/recsys-0/GPU-h100-b-1'], { average: '20480.7', peak: '20482' });
  });

  it('series with only the DRA labels (dcgm-exporter in DRA mode) count for the claim`s namespace, with no flag', async () => {
    const use = await measured(client, query({ selector: 'job="dcgm-dra"' }));
    const expected = truth({ from: FROM, hours: HOURS, idleBelow: 5, idleForHours: 24, only: 'dra' });
    assert.deepEqual(figures(use), expected.namespaces);
    assert.deepEqual(Object.keys(figures(use)), ['nlp-eval', 'vision']);
    assert.deepEqual(memoryOfUse(use), memoryTruth(expected));
    assert.deepEqual(idleOf(use), expected.idle);
    assert.deepEqual(idleOf(use), { 'nlp-eval/resourceclaim/nlp-eval-gpu/GPU-h100-c-0': 1389 });
    assert.deepEqual(idleMemoryOf(use), expected.idleMemory);
  });

  it('range queries longer than the points limit are split and joined: 20-minute steps over the whole quarter in requests of 1000 points', async () => {
    const small = createPrometheusClient({ url: prometheus.url, timeoutMs: 30_000, maxPointsPerQuery: 1000 });
    try {
      const from = Date.UTC(2026, 8, 1);
      const hours = 2184;
      const use = await measured(small, query({ from: new Date(from), to: new Date(from + hours * HOUR), stepSeconds: 1200, idleForHours: rational(100_000n) }));
      const expected = truth({ from, hours, idleBelow: 5, idleForHours: 24 });
      assert.deepEqual(
        Object.fromEntries(Object.entries(figures(use)).map(([ns, f]) => [ns, f.busy])),
        Object.fromEntries(Object.entries(expected.namespaces).map(([ns, f]) => [ns, f.busy])),
      );
      assert.equal(formatFixed(use.measuredHours, 3), `${expected.measuredHours}.000`);
    } finally {
      await small.close();
    }
  });

  it('no series matching the selector: no measured use with the reason, never zeros', async () => {
    const read = await readMeasuredUse(client, query({ selector: 'job="elsewhere"' }));
    assert.deepEqual(read, {
      kind: 'no-series',
      reason: `no DCGM_FI_PROF_GR_ENGINE_ACTIVE or DCGM_FI_DEV_GPU_UTIL series matching {job="elsewhere"} at ${prometheus.url} between 2026-10-01T00:00:00.000Z and 2026-11-28T03:00:00.000Z`,
    });
  });

  it('a Prometheus that does not answer in time: a timeout error', async () => {
    const impatient = createPrometheusClient({ url: prometheus.url, timeoutMs: 1500 });
    prometheus.pause();
    try {
      await assert.rejects(readMeasuredUse(impatient, query()), (error: unknown) => {
        assert.ok(error instanceof PrometheusError);
        assert.equal(error.failure, 'timeout');
        assert.match(error.message, /^Prometheus at http:\/\/127\.0\.0\.1:\d+: query_range "count\(.*": no answer within 1\.5 s/);
        return true;
      });
    } finally {
      prometheus.resume();
      await impatient.close();
    }
  });
});

describe('Prometheus failures', () => {
  it('down (nothing listens on the port): an unreachable error naming the server', async () => {
    const port = await closedPort();
    const client = createPrometheusClient({ url: `http://127.0.0.1:${port}`, timeoutMs: 5000 });
    try {
      await assert.rejects(readMeasuredUse(client, query()), (error: unknown) => {
        assert.ok(error instanceof PrometheusError);
        assert.equal(error.failure, 'unreachable');
        assert.match(error.message, new RegExp(`^Prometheus at http://127\\.0\\.0\\.1:${port}: query_range .*: cannot connect: ECONNREFUSED`));
        return true;
      });
    } finally {
      await client.close();
    }
  });

  it('a query over the server`s --query.max-samples: a limit error with the server`s message', async () => {
    const limited = await startPrometheus({ blocks: dcgmBlocks(), args: ['--query.max-samples=1000'] });
    const client = createPrometheusClient({ url: limited.url, timeoutMs: 30_000 });
    try {
      await assert.rejects(readMeasuredUse(client, query()), (error: unknown) => {
        assert.ok(error instanceof PrometheusError);
        assert.equal(error.failure, 'limit');
        assert.match(error.message, /HTTP 422 execution: query processing would load too many samples into memory in query execution \(a query limit of the server/);
        return true;
      });
    } finally {
      await client.close();
      await limited.stop();
    }
  });
});

describe('Prometheus warnings (partial data)', () => {
  it('a remote_read store that does not answer: every query succeeds with a warning, kept in the measured use beside exact figures', async () => {
    const port = await closedPort();
    const partial = await startPrometheus({ blocks: dcgmBlocks(), config: `remote_read:\n  - url: http://127.0.0.1:${port}/api/v1/read\n    read_recent: true\n` });
    const client = createPrometheusClient({ url: partial.url, timeoutMs: 30_000 });
    try {
      const use = await measured(client, query());
      assert.deepEqual(figures(use), truth({ from: FROM, hours: HOURS, idleBelow: 5, idleForHours: 24 }).namespaces);
      // Prometheus's own text (storage/remote: the secondary querier's error), the same for each of the nine queries: once.
      assert.deepEqual(use.warnings, [`remote_read: error sending request: Post "http://127.0.0.1:${port}/api/v1/read": dial tcp 127.0.0.1:${port}: connect: connection refused`]);
    } finally {
      await client.close();
      await partial.stop();
    }
  });
});
