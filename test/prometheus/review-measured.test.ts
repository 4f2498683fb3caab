/**
 * `quotaplan review --prometheus URL` through the real CLI, against the demo database (src/demo/) and a real
 * Prometheus holding the generated dcgm-exporter quarter. The demo reviews 2026-Q4 from 2026-10-01T00:00Z to its last
 * snapshot, 2026-11-28T03:00Z: 1395 h, the window the measured use is read over. Teams own namespaces as the demo's
 * teams file says (platform/fraud: fraud-train, fraud-serve; platform/recsys: recsys; research/nlp: nlp-train,
 * nlp-eval; research/vision: the namespace labelled team=vision, `vision`). Expected figures: dcgm-series.ts's truth.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { seedDemoDatabase } from '../../src/commands/demo.js';
import type { ReviewJson } from '../../src/emit/review-json.js';
import { runCli } from '../support/cli.js';
import { fixed3, GAP_FROM, teamMemoryTruth, teamTruth, TRUTH_UNIT, truth } from './dcgm-series.js';
import { closedPort, dcgmBlocks, startPrometheus, type RunningPrometheus } from './harness.js';

const dir = mkdtempSync(join(tmpdir(), 'quotaplan-review-measured-'));
const db = join(dir, 'demo.db');
const FROM = Date.UTC(2026, 9, 1);
const expected = truth({ from: FROM, hours: 1395, idleBelow: 5, idleForHours: 24 });

const TEAMS: Record<string, string[]> = {
  data: ['etl'],
  'data/etl': ['etl'],
  platform: ['fraud-serve', 'fraud-train', 'recsys'],
  'platform/fraud': ['fraud-serve', 'fraud-train'],
  'platform/recsys': ['recsys'],
  research: ['alice-research', 'nlp-eval', 'nlp-train', 'vision'],
  'research/alice': ['alice-research'],
  'research/nlp': ['nlp-eval', 'nlp-train'],
  'research/vision': ['vision'],
};

describe('quotaplan review --prometheus (demo database, real Prometheus)', () => {
  let prometheus: RunningPrometheus;
  before(async () => {
    await seedDemoDatabase(db, new Date('2026-11-28T04:17:00Z'));
    prometheus = await startPrometheus({ blocks: dcgmBlocks() });
  });
  after(async () => {
    await prometheus?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const review = async (args: string[] = []): Promise<ReviewJson> => {
    const result = await runCli(['review', '--db', db, '--cycle', '2026-Q4', '-o', 'json', '--prometheus', prometheus.url, '--prometheus-selector', 'job="dcgm"', ...args], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    return JSON.parse(result.stdout) as ReviewJson;
  };

  it('-o json: busy and allocated GPU-hours per team (parents add their leaves), the window, the gap', async () => {
    const json = await review();
    const m = json.measured;
    assert.equal(m.available, true);
    assert.equal(m.note, null);
    assert.deepEqual(
      { from: m.from, to: m.to, measuredHours: m.measuredHours, gapHours: m.gapHours, gaps: m.gaps },
      {
        from: '2026-10-01T00:00:00.000Z',
        to: '2026-11-28T03:00:00.000Z',
        measuredHours: `${expected.measuredHours}.000`,
        gapHours: '6.000',
        gaps: [{ from: new Date(GAP_FROM).toISOString(), to: '2026-10-20T06:00:00.000Z' }],
      },
    );
    assert.deepEqual(
      Object.fromEntries(m.teams.map((t) => [t.team, { busy: t.busyGpuHours, allocated: t.allocatedGpuHours }])),
      Object.fromEntries(Object.entries(TEAMS).map(([team, namespaces]) => [team, teamTruth(expected, namespaces)])),
    );
    const scratchMemory = teamMemoryTruth(expected, ['scratch']);
    assert.deepEqual(m.unowned, [{ namespace: 'scratch', ...mapKeys(expected.namespaces.scratch), memoryAverageMib: scratchMemory.average, memoryPeakMib: scratchMemory.peak }]);
  });

  it('-o json: GPU memory per team (DCGM_FI_DEV_FB_USED): MiB per device held and the peak of one device; none where nothing was measured', async () => {
    const json = await review();
    assert.deepEqual(
      Object.fromEntries(json.measured.teams.map((t) => [t.team, { average: t.memoryAverageMib, peak: t.memoryPeakMib }])),
      Object.fromEntries(Object.entries(TEAMS).map(([team, namespaces]) => [team, teamMemoryTruth(expected, namespaces)])),
    );
    // The truth itself: research/nlp = nlp-train's two H100s ((512+512+1024)/3 MiB an hour) and nlp-eval's 3g.40gb
    // instance ((30000+32000+34000)/3), 1389 hours each: (2 x 2048 + 96000) / 3 / 3 = 11121.8 MiB per device.
    assert.deepEqual(teamMemoryTruth(expected, TEAMS['research/nlp'] ?? []), { average: '11121.8', peak: '34000' });
    assert.deepEqual(teamMemoryTruth(expected, TEAMS['data/etl'] ?? []), { average: null, peak: null });
    assert.deepEqual(
      json.measured.idle.map((d) => [`${d.namespace}/${d.pod}/${d.device}`, { average: d.idleMemoryAverageMib, peak: d.idleMemoryPeakMib }]),
      json.measured.idle.map((d) => [`${d.namespace}/${d.pod}/${d.device}`, expected.idleMemory[`${d.namespace}/${d.pod}/${d.device}`]]),
    );
  });

  it('-o csv: each team row carries its memory figures', async () => {
    const result = await runCli(['review', '--db', db, '--cycle', '2026-Q4', '-o', 'csv', '--prometheus', prometheus.url, '--prometheus-selector', 'job="dcgm"'], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    const [header, ...rows] = result.stdout.trimEnd().split('\r\n').map((line) => line.split(','));
    assert.deepEqual(header!.slice(-3), ['team_memory_average_mib', 'team_memory_peak_mib', 'measured_warnings']);
    const nlp = teamMemoryTruth(expected, TEAMS['research/nlp'] ?? []);
    const nlpRows = rows.filter((row) => row[1] === 'research/nlp');
    assert.ok(nlpRows.length > 0);
    for (const row of nlpRows) assert.deepEqual(row.slice(-3), [nlp.average, nlp.peak, '']);
  });

  it('devices held through DRA claims (no pod labels) count for the team owning the claim`s namespace', async () => {
    const json = await review(['--prometheus-selector', 'job=~"dcgm|dcgm-dra"']);
    const dra = truth({ from: FROM, hours: 1395, idleBelow: 5, idleForHours: 24, only: 'dra' });
    const busyOf = (namespaces: string[]): string =>
      fixed3(namespaces.reduce((sum, ns) => sum + (expected.units[ns]?.busy ?? 0n) + (dra.units[ns]?.busy ?? 0n), 0n), TRUTH_UNIT);
    assert.deepEqual(
      Object.fromEntries(json.measured.teams.map((t) => [t.team, t.busyGpuHours])),
      Object.fromEntries(Object.entries(TEAMS).map(([team, namespaces]) => [team, busyOf(namespaces)])),
    );
    assert.deepEqual(
      json.measured.idle.filter((d) => d.pod.startsWith('resourceclaim/')).map((d) => [d.team, `${d.namespace}/${d.pod}/${d.device}`, d.idleHours]),
      [['research/nlp', 'nlp-eval/resourceclaim/nlp-eval-gpu/GPU-h100-c-0', '1389.0']],
    );
  });

  it('granted and requested GPU-hours of a team are those of its NVIDIA resource rows; an AMD-only team is granted none', async () => {
    const json = await review();
    const recsysRow = json.teams.find((t) => t.team === 'platform/recsys' && t.resource === 'nvidia.com/gpu');
    const recsys = json.measured.teams.find((t) => t.team === 'platform/recsys');
    assert.deepEqual({ granted: recsys?.grantedGpuHours, requested: recsys?.requestedGpuHours }, { granted: recsysRow?.grantedGpuHours, requested: recsysRow?.usedGpuHours });
    const alice = json.measured.teams.find((t) => t.team === 'research/alice');
    assert.deepEqual(
      { granted: alice?.grantedGpuHours, busy: alice?.busyGpuHours, busyOfGranted: alice?.busyOfGranted },
      { granted: '0.000', busy: '0.000', busyOfGranted: null },
    );
  });

  it('idle GPUs with their teams; the low-use team is proposed a cut with the evidence', async () => {
    const json = await review();
    assert.deepEqual(
      json.measured.idle.map((d) => [d.team, `${d.namespace}/${d.pod}/${d.device}`, d.idleHours]),
      [
        ['research/nlp', 'nlp-train/nlp-train-0/GPU-h100-b-2', '1389.0'],
        ['research/nlp', 'nlp-train/nlp-train-0/GPU-h100-b-3', '1389.0'],
        ['platform/recsys', 'recsys/recsys-0/GPU-h100-b-0', '1389.0'],
        ['platform/recsys', 'recsys/recsys-0/GPU-h100-b-1', '1389.0'],
      ],
    );
    assert.deepEqual(
      Object.keys(expected.idle).sort(),
      json.measured.idle.map((d) => `${d.namespace}/${d.pod}/${d.device}`).sort(),
    );
    const cut = json.proposals.find((p) => p.kind === 'low-measured-use' && p.team === 'platform/recsys');
    assert.deepEqual(
      { resource: cut?.resource, demand: cut?.demand, proposedDemand: cut?.proposedDemand },
      { resource: 'nvidia.com/gpu', demand: '12', proposedDemand: '1' },
    );
    assert.match(cut?.reason ?? '', /^measured busy 83\.4 GPU-hours over 1389\.0 h measured against [\d.]+ GPU-hours granted over 1395\.0 h: [\d.]+% busy, below the 20\.0% threshold: demand 12 -> 1/);
  });

  it('-o md carries the table, the gap and the idle list', async () => {
    const result = await runCli(['review', '--db', db, '--cycle', '2026-Q4', '--prometheus', prometheus.url, '--prometheus-selector', 'job="dcgm"'], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    assert.ok(result.stdout.includes('## Measured GPU use (dcgm-exporter)'));
    assert.ok(result.stdout.includes('**no samples for 6.000 h** (2026-10-20 00:00 UTC to 2026-10-20 06:00 UTC)'), result.stdout);
    assert.ok(result.stdout.includes('| research/nlp | nlp-train | nlp-train-0 | NVIDIA H100 80GB HBM3 | – | h100-b | GPU-h100-b-2 | 1389.0 |'));
    const scratchMemory = teamMemoryTruth(expected, ['scratch']);
    assert.ok(
      result.stdout.includes(
        `Namespaces no team owns: scratch (${expected.namespaces.scratch?.busy} busy of ${expected.namespaces.scratch?.allocated} GPU-hours, ` +
          `memory ${scratchMemory.average} MiB per device, peak ${scratchMemory.peak} MiB).`,
      ),
      result.stdout,
    );
  });

  it('a selector no series match: the report says so instead of zeros, and the command still succeeds', async () => {
    const result = await runCli(['review', '--db', db, '--cycle', '2026-Q4', '-o', 'json', '--prometheus', prometheus.url, '--prometheus-selector', 'job="elsewhere"'], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    const json = JSON.parse(result.stdout) as ReviewJson;
    assert.equal(json.measured.available, false);
    assert.equal(
      json.measured.note,
      `no measured use: no DCGM_FI_PROF_GR_ENGINE_ACTIVE or DCGM_FI_DEV_GPU_UTIL series matching {job="elsewhere"} at ${prometheus.url} between 2026-10-01T00:00:00.000Z and 2026-11-28T03:00:00.000Z`,
    );
    assert.deepEqual(json.measured.teams, []);
    assert.equal(result.stderr, `quotaplan: ${json.measured.note}\n`);
  });

  it('Prometheus down: exit 3 naming the server, nothing printed', async () => {
    const port = await closedPort();
    const result = await runCli(['review', '--db', db, '--cycle', '2026-Q4', '--prometheus', `http://127.0.0.1:${port}`], { cwd: dir });
    assert.equal(result.code, 3);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, new RegExp(`Prometheus at http://127\\.0\\.0\\.1:${port}: query_range .*: cannot connect: ECONNREFUSED`));
  });

  it('bad Prometheus flags: exit 2 naming the flag', async () => {
    const bad = await runCli(['review', '--db', db, '--prometheus', 'http://127.0.0.1:1', '--prometheus-namespace-label', 'exported-namespace'], { cwd: dir });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--prometheus-namespace-label: "exported-namespace" is not a Prometheus label name/);
    const step = await runCli(['review', '--db', db, '--prometheus', 'http://127.0.0.1:1', '--prometheus-step', '10s'], { cwd: dir });
    assert.equal(step.code, 2);
    assert.match(step.stderr, /--prometheus-step: 10s is below 60 s/);
  });
});

function mapKeys(f: { busy: string; allocated: string } | undefined): { busyGpuHours: string; allocatedGpuHours: string } {
  return { busyGpuHours: f?.busy ?? '?', allocatedGpuHours: f?.allocated ?? '?' };
}
