/**
 * The review's DRA section and GPU totals on a mixed cluster: a device-plugin node (a100-0, 4 x nvidia.com/gpu) and
 * the NVIDIA-shaped DRA fixture (dra-h100-0: 2 whole GPUs, both allocated to vision's claim; dra-h100-1: one
 * dynamic-MIG GPU publishing itself and 3 MIG placements; dra-h100-2: a pool in transition), its productName made
 * hostile so that every format's escaping shows. Expected values are counted from the fixture by hand.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { reviewCsv } from '../../../src/emit/review-csv.js';
import { reviewHtml } from '../../../src/emit/review-html.js';
import { reviewToJson } from '../../../src/emit/review-json.js';
import { DRA_NOTE, reviewMarkdown } from '../../../src/emit/review-markdown.js';
import { buildPlan } from '../../../src/plan/build-plan.js';
import { planToJson } from '../../../src/plan/plan-json.js';
import { parseTeamsFile } from '../../../src/plan/teams-file.js';
import { rational } from '../../../src/rational.js';
import { loadReview } from '../../../src/review/cycle-store.js';
import { draReviewOf } from '../../../src/review/dra-review.js';
import { gpuEquivalentsOf, mixedGpuEquivalents, totalGpuEquivalentsOf } from '../../../src/review/gpu-equivalents.js';
import { openStore } from '../../../src/store/open.js';
import { MIG_KEY, MODEL, mixedInventory } from './dra-mixed.js';

describe('the review\'s DRA section', () => {
  it('per DeviceClass and model: plannable devices, physical GPUs behind them, allocated devices, quota key; transitional pools', () => {
    assert.deepEqual(draReviewOf(mixedInventory()), {
      rows: [
        // dra-h100-0's gpu-0 and gpu-1, dra-h100-1's gpu-0; vision's claim holds the first two.
        { deviceClass: 'gpu.nvidia.com', extendedResourceName: 'nvidia.com/gpu', quotaKey: 'requests.nvidia.com/gpu', model: MODEL, devices: 3, physicalGpus: 3, allocated: 2, partitionable: false, unsupported: false },
        // dra-h100-1's three MIG placements: one GPU.
        { deviceClass: 'mig.nvidia.com', extendedResourceName: null, quotaKey: MIG_KEY, model: MODEL, devices: 3, physicalGpus: 1, allocated: 0, partitionable: true, unsupported: false },
      ],
      physicalGpus: 3,
      transitionalPools: [{ driver: 'gpu.nvidia.com', name: 'dra-h100-2', generation: 2, published: 1, expected: 2 }],
    });
  });

  it('GPU per unit: whole DRA GPUs 1 beside the plugin\'s, MIG placements their share (3/7, 3/7, 1/7 over 3 devices); in the totals each GPU once', () => {
    const inventory = mixedInventory();
    const input = { nodes: inventory.nodes, dra: inventory.dra };
    assert.deepEqual(gpuEquivalentsOf(input), { [MIG_KEY]: rational(1n, 3n), 'nvidia.com/gpu': rational(1n) });
    // dra-h100-1's GPU is counted whole under nvidia.com/gpu: its MIG placements add nothing to the totals.
    assert.deepEqual(totalGpuEquivalentsOf(input), { [MIG_KEY]: rational(0n), 'nvidia.com/gpu': rational(1n) });
    assert.deepEqual(mixedGpuEquivalents(input), [MIG_KEY]);
  });
});

describe('the review reports with DRA (stored snapshot, plan and cycle)', async () => {
  const store = await openStore({ file: ':memory:' });
  const inventory = mixedInventory();
  const takenAt = new Date('2026-10-01T00:00:00Z');
  const snapshotId = (await store.saveSnapshot({ cluster: { name: 'lab' }, takenAt, source: { kind: 'file', ref: 'test' }, inventory })).id;
  const yaml = [
    'cycle: 2026-Q4',
    'teams:',
    '  - name: vision',
    '    namespaces: [vision]',
    '    resources:',
    '      nvidia.com/gpu: { demand: "7" }',
    `      ${MIG_KEY}: { demand: "3" }`,
    '',
  ].join('\n');
  const plan = buildPlan({ teams: parseTeamsFile(yaml, 'teams.yaml'), inventory, previous: null });
  const planId = (await store.savePlan({ cluster: 'lab', cycle: '2026-Q4', snapshotId, teamsYaml: yaml, plan: planToJson(plan), createdAt: takenAt })).id;
  await store.createCycle({ cluster: 'lab', name: '2026-Q4', planId, startsAt: takenAt, endsAt: new Date('2027-01-01T00:00:00Z'), createdAt: takenAt, actor: 'planner' });
  await store.saveSnapshot({ cluster: { name: 'lab' }, takenAt: new Date('2026-10-02T00:00:00Z'), source: { kind: 'file', ref: 'test' }, inventory });
  const review = reviewToJson(await loadReview(store, { cycle: '2026-Q4' }));

  it('JSON: the DRA section, and GPU-equivalents that count the 7 physical GPUs once (4 plugin + 3 DRA), not 8', () => {
    assert.deepEqual(review.dra, {
      classes: [
        { deviceClass: 'gpu.nvidia.com', extendedResourceName: 'nvidia.com/gpu', quotaKey: 'requests.nvidia.com/gpu', model: MODEL, devices: 3, physicalGpus: 3, allocated: 2, partitionable: false, unsupported: false },
        { deviceClass: 'mig.nvidia.com', extendedResourceName: null, quotaKey: MIG_KEY, model: MODEL, devices: 3, physicalGpus: 1, allocated: 0, partitionable: true, unsupported: false },
      ],
      physicalGpus: 3,
      transitionalPools: [{ driver: 'gpu.nvidia.com', pool: 'dra-h100-2', generation: 2, published: 1, expected: 2 }],
    });
    assert.deepEqual(
      review.capacity.map((c) => [c.resource, c.gpuEquivalent, c.thisPlan, c.atEnd]),
      [
        [MIG_KEY, '0.333', '3', '3'],
        ['nvidia.com/gpu', '1.000', '7', '7'],
      ],
    );
    assert.equal(review.capacityGpus.thisPlan, '7.000');
    assert.equal(review.capacityGpus.atEnd, '7.000');
  });

  it('Markdown: a DRA section after the capacity table, the model escaped', () => {
    const md = reviewMarkdown(review);
    const escaped = '=1+2-&lt;b&gt;\\|\\*H100\\*\\|&lt;/b&gt;,-"q"';
    const section = [
      '## DRA devices (ResourceSlices), by DeviceClass',
      '',
      '| DeviceClass | Model | Devices | Physical GPUs | Allocated (claims) | Quota key |',
      '| --- | --- | ---: | ---: | ---: | --- |',
      `| gpu.nvidia.com | ${escaped} | 3 | 3 | 2 | requests.nvidia.com/gpu |`,
      `| mig.nvidia.com | ${escaped} | 3 (at most) | 1 | 0 | ${MIG_KEY} |`,
      '',
      'Physical GPUs behind all DeviceClasses, each counted once: 3.',
      '',
      'Transitional pools, not counted until their driver has published every slice: gpu.nvidia.com/dra-h100-2 (generation 2: 1 of 2 slices).',
      '',
      DRA_NOTE,
      '',
      '## Use vs quota per team',
    ].join('\n');
    assert.ok(md.includes(section), md);
    assert.ok(md.indexOf('## Capacity change since the last cycle') < md.indexOf('## DRA devices'));
  });

  it('HTML: the same section, escaped as HTML', () => {
    const html = reviewHtml(review);
    const model = '=1+2-&lt;b&gt;|*H100*|&lt;/b&gt;,-&quot;q&quot;';
    const row = (cells: string[]): string => `<tr><th scope="row">${cells[0]}</th>${cells.slice(1).map((c, i) => `<td${i >= 1 && i <= 3 ? ' class="num"' : ''}>${c}</td>`).join('')}</tr>`;
    assert.ok(
      html.includes(
        '<h2>DRA devices (ResourceSlices), by DeviceClass</h2>\n<div class="scroll"><table><caption>DRA devices (ResourceSlices) by DeviceClass and model</caption>' +
          '<thead><tr><th scope="col">DeviceClass</th><th scope="col">Model</th><th scope="col" class="num">Devices</th><th scope="col" class="num">Physical GPUs</th>' +
          '<th scope="col" class="num">Allocated (claims)</th><th scope="col">Quota key</th></tr></thead><tbody>' +
          row(['gpu.nvidia.com', model, '3', '3', '2', 'requests.nvidia.com/gpu']) +
          row(['mig.nvidia.com', model, '3 (at most)', '1', '0', MIG_KEY]) +
          '</tbody></table></div>\n<p>Physical GPUs behind all DeviceClasses, each counted once: 3.</p>\n' +
          '<p>Transitional pools, not counted until their driver has published every slice: gpu.nvidia.com/dra-h100-2 (generation 2: 1 of 2 slices).</p>\n',
      ),
      html,
    );
    assert.ok(!html.includes('<b>|'));
  });

  it('CSV: one row per DeviceClass and model after the team rows (record dra), the model quoted and kept from being a formula', () => {
    const lines = reviewCsv(review).trimEnd().split('\r\n');
    const header = (lines[0] ?? '').split(',');
    const at = header.indexOf('record');
    assert.deepEqual(header.slice(at, at + 12), [
      'record', 'dra_device_class', 'dra_extended_resource', 'dra_model', 'dra_devices', 'dra_physical_gpus', 'dra_allocated', 'dra_quota_key',
      'dra_partitionable', 'dra_selectors_unsupported', 'dra_physical_gpus_all_classes', 'dra_transitional_pools',
    ]);
    const before = ','.repeat(at - 1);
    const after = ','.repeat(header.length - at - 12);
    const model = '"\'=1+2-<b>|*H100*|</b>,-""q"""';
    const pools = 'gpu.nvidia.com/dra-h100-2 (generation 2: 1 of 2 slices)';
    assert.deepEqual(lines.slice(-2), [
      `2026-Q4${before},dra,gpu.nvidia.com,nvidia.com/gpu,${model},3,3,2,requests.nvidia.com/gpu,false,false,3,${pools}${after}`,
      `2026-Q4${before},dra,mig.nvidia.com,,${model},3,1,0,${MIG_KEY},true,false,3,${pools}${after}`,
    ]);
    // The team rows (nvidia.com/gpu and the MIG key; their reasons hold quoted commas) say what they are and leave the DRA columns empty.
    assert.equal(lines.length, 1 + 2 + 2);
    for (const line of lines.slice(1, -2)) assert.ok(line.startsWith('2026-Q4,vision,true,') && line.includes(`,team${','.repeat(12)}`), line);
  });
});
