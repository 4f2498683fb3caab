/**
 * The review's "Quotas in force" section: the ResourceQuotas and the batch schedulers' quota objects (Kueue
 * ClusterQueue and Cohort, KAI Scheduler Queue, Volcano Queue) of the cycle's last snapshot, in every format (JSON,
 * Markdown, HTML, CSV), with exact figures; and every string in it escaped for its format.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { reviewCsv } from '../../../src/emit/review-csv.js';
import { reviewHtml } from '../../../src/emit/review-html.js';
import type { ReviewJson } from '../../../src/emit/review-json.js';
import { reviewMarkdown } from '../../../src/emit/review-markdown.js';
import { dumpObjects } from '../../../src/collect/dump.js';
import { InventoryBuilder } from '../../../src/inventory/builder.js';
import type { QuotaInForce } from '../../../src/inventory/schedulers/in-force.js';
import { createApp } from '../../../src/server/app.js';
import { openStore } from '../../../src/store/open.js';
import { DEMO_TEAMS, demoList } from '../server/seed.js';

const TOKEN = 'unit-test-token';
const NOW = new Date('2026-07-03T00:00:00Z');

/** ml-cv in each scheduler, with its parent: the figures the section must show. */
const SCHEDULER_OBJECTS = [
  {
    apiVersion: 'kueue.x-k8s.io/v1beta2',
    kind: 'ClusterQueue',
    metadata: { name: 'ml-cv' },
    spec: {
      cohortName: 'ml',
      fairSharing: { weight: '1500m' },
      resourceGroups: [
        { coveredResources: ['cpu'], flavors: [{ name: 'default-flavor', resources: [{ name: 'cpu', nominalQuota: '16', borrowingLimit: '8', lendingLimit: '6' }] }] },
        {
          coveredResources: ['nvidia.com/gpu'],
          flavors: [{ name: 'nvidia-h100-80gb-hbm3', resources: [{ name: 'nvidia.com/gpu', nominalQuota: '6', borrowingLimit: '2' }] }],
        },
      ],
    },
    status: {
      flavorsUsage: [
        { name: 'default-flavor', resources: [{ name: 'cpu', total: '0', borrowed: '0' }] },
        { name: 'nvidia-h100-80gb-hbm3', resources: [{ name: 'nvidia.com/gpu', total: '4', borrowed: '0' }] },
      ],
      pendingWorkloads: 1,
      admittedWorkloads: 1,
    },
  },
  {
    apiVersion: 'kueue.x-k8s.io/v1beta2',
    kind: 'Cohort',
    metadata: { name: 'ml' },
    spec: { parentName: 'quotaplan-root', fairSharing: { weight: '2' }, resourceGroups: [{ coveredResources: ['memory'], flavors: [{ name: 'default-flavor', resources: [{ name: 'memory', nominalQuota: '64Gi' }] }] }] },
  },
  {
    apiVersion: 'scheduling.run.ai/v2',
    kind: 'Queue',
    metadata: { name: 'ml-cv' },
    spec: { parentQueue: 'ml', resources: { gpu: { quota: 8, limit: -1, overQuotaWeight: 3 }, memory: { quota: 68719.476736, limit: -1, overQuotaWeight: 0.5 } } },
  },
  {
    apiVersion: 'scheduling.volcano.sh/v1beta1',
    kind: 'Queue',
    metadata: { name: 'ml-cv' },
    spec: { parent: 'ml', weight: 6, deserved: { cpu: '16', 'nvidia.com/gpu': '6' }, guarantee: { resource: { cpu: '8' } }, capability: { 'nvidia.com/gpu': '8' } },
    status: { allocated: { cpu: '4', 'nvidia.com/gpu': '2' } },
  },
];

const row = (values: Partial<QuotaInForce> & Pick<QuotaInForce, 'enforcer' | 'object' | 'parent' | 'resource'>): QuotaInForce => ({
  flavor: null,
  guarantee: null,
  quota: null,
  limit: null,
  weight: null,
  inUse: null,
  pending: null,
  ...values,
});

/** Worked out by hand from SCHEDULER_OBJECTS (docs/emit.md "Mapping"). */
const EXPECTED_SCHEDULER_ROWS: QuotaInForce[] = [
  row({ enforcer: 'kueue', object: 'Cohort ml', parent: 'quotaplan-root', flavor: 'default-flavor', resource: 'memory', quota: '64Gi', weight: '2' }),
  // guarantee = 16 - lending 6; limit = 16 + borrowing 8.
  row({ enforcer: 'kueue', object: 'ClusterQueue ml-cv', parent: 'ml', flavor: 'default-flavor', resource: 'cpu', guarantee: '10', quota: '16', limit: '24', weight: '1500m', inUse: '0', pending: 1 }),
  row({ enforcer: 'kueue', object: 'ClusterQueue ml-cv', parent: 'ml', flavor: 'nvidia-h100-80gb-hbm3', resource: 'nvidia.com/gpu', quota: '6', limit: '8', weight: '1500m', inUse: '4', pending: 1 }),
  row({ enforcer: 'kai', object: 'Queue ml-cv', parent: 'ml', resource: 'gpu (GPUs)', quota: '8', limit: 'unlimited', weight: '3' }),
  row({ enforcer: 'kai', object: 'Queue ml-cv', parent: 'ml', resource: 'memory (MB)', quota: '68719.476736', limit: 'unlimited', weight: '0.5' }),
  row({ enforcer: 'volcano', object: 'Queue ml-cv', parent: 'ml', resource: 'cpu', guarantee: '8', quota: '16', weight: '6', inUse: '4' }),
  row({ enforcer: 'volcano', object: 'Queue ml-cv', parent: 'ml', resource: 'nvidia.com/gpu', quota: '6', limit: '8', weight: '6', inUse: '2' }),
];

describe("the review's quotas in force", () => {
  let review: ReviewJson;
  let app: ReturnType<typeof createApp>;

  before(async () => {
    const store = await openStore({ file: ':memory:' });
    for (let hour = 0; hour < 3; hour += 1) {
      const list = demoList(hour, 3) as { items: unknown[] };
      const builder = new InventoryBuilder();
      // The schedulers' objects from the second snapshot on: the section shows the last one.
      const items = hour === 0 ? list.items : [...list.items, ...SCHEDULER_OBJECTS];
      for (const object of dumpObjects(JSON.stringify({ ...list, items }))) builder.add(object);
      await store.saveSnapshot({ cluster: { name: 'demo' }, takenAt: new Date(Date.UTC(2026, 6, 1, hour)), source: { kind: 'file', ref: 'dump.json' }, inventory: builder.build() });
    }
    app = createApp({ store, clock: () => NOW, token: TOKEN, log: () => {} });
    const saved = await app.request('/api/plans', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ teamsYaml: DEMO_TEAMS }),
    });
    assert.equal(saved.status, 201, await saved.clone().text());
    const planId = ((await saved.json()) as { id: number }).id;
    await store.createCycle({ cluster: 'demo', name: '2026-Q3', createdAt: NOW, startsAt: new Date('2026-07-01T00:00:00Z'), endsAt: new Date('2026-10-01T00:00:00Z'), planId });
    review = (await (await app.request('/api/reviews/2026-Q3')).json()) as ReviewJson;
  });

  it('JSON: the last snapshot, its ResourceQuotas as enforced, then each scheduler in its own words', () => {
    const quotas = review.quotasInForce;
    assert.ok(quotas !== null);
    assert.deepEqual([quotas.snapshot, quotas.takenAt], [3, '2026-07-01T02:00:00.000Z']);
    assert.deepEqual(
      quotas.rows.filter((r) => r.enforcer !== 'resourcequota'),
      EXPECTED_SCHEDULER_ROWS,
    );
    // The demo's recsys quota (src/demo/cluster.ts): hard as status.hard has it, no status.used in the demo.
    assert.deepEqual(
      quotas.rows.filter((r) => r.object === 'ResourceQuota recsys/gpu-quota'),
      [row({ enforcer: 'resourcequota', object: 'ResourceQuota recsys/gpu-quota', parent: 'recsys', resource: 'requests.nvidia.com/gpu', quota: '8' })],
    );
    assert.deepEqual(
      quotas.rows.map((r) => r.enforcer).filter((e, i, all) => all.indexOf(e) === i),
      ['resourcequota', 'kueue', 'kai', 'volcano'],
    );
  });

  it('Markdown: a table under "Quotas in force", one line per row, dashes where a scheduler has no such figure', async () => {
    const markdown = await (await app.request('/api/reviews/2026-Q3/report.md')).text();
    const section = markdown.slice(markdown.indexOf('## Quotas in force'), markdown.indexOf('## GPU-hours used vs granted'));
    assert.ok(section.startsWith('## Quotas in force (snapshot 3, 2026-07-01 02:00 UTC)\n'), section.slice(0, 200));
    const lines = section.split('\n').filter((line) => line.startsWith('|'));
    assert.equal(lines[0], '| Enforced by | Object | Namespace / parent | Flavor | Resource | Guarantee | Quota | Limit | Weight | In use | Pending |');
    assert.deepEqual(lines.filter((line) => !line.startsWith('| ResourceQuota') && !line.startsWith('| Enforced') && !line.startsWith('| ---')), [
      '| Kueue | Cohort ml | quotaplan-root | default-flavor | memory | – | 64Gi | – | 2 | – | – |',
      '| Kueue | ClusterQueue ml-cv | ml | default-flavor | cpu | 10 | 16 | 24 | 1500m | 0 | 1 |',
      '| Kueue | ClusterQueue ml-cv | ml | nvidia-h100-80gb-hbm3 | nvidia.com/gpu | – | 6 | 8 | 1500m | 4 | 1 |',
      '| KAI Scheduler | Queue ml-cv | ml | – | gpu (GPUs) | – | 8 | unlimited | 3 | – | – |',
      '| KAI Scheduler | Queue ml-cv | ml | – | memory (MB) | – | 68719.476736 | unlimited | 0.5 | – | – |',
      '| Volcano | Queue ml-cv | ml | – | cpu | 8 | 16 | – | 6 | 4 | – |',
      '| Volcano | Queue ml-cv | ml | – | nvidia.com/gpu | – | 6 | 8 | 6 | 2 | – |',
    ]);
    assert.ok(lines.includes('| ResourceQuota | ResourceQuota recsys/gpu-quota | recsys | – | requests.nvidia.com/gpu | – | 8 | – | – | – | – |'));
  });

  it('HTML: the same rows in a table, the enforcer as the row header', async () => {
    const html = await (await app.request('/api/reviews/2026-Q3/report.html')).text();
    assert.ok(html.includes('<h2>Quotas in force (snapshot 3, 2026-07-01 02:00 UTC)</h2>'));
    assert.ok(
      html.includes(
        '<tr><th scope="row">Kueue</th><td>ClusterQueue ml-cv</td><td>ml</td><td>nvidia-h100-80gb-hbm3</td><td>nvidia.com/gpu</td>' +
          '<td class="num">–</td><td class="num">6</td><td class="num">8</td><td class="num">1500m</td><td class="num">4</td><td class="num">1</td></tr>',
      ),
    );
    assert.ok(
      html.includes(
        '<tr><th scope="row">KAI Scheduler</th><td>Queue ml-cv</td><td>ml</td><td>–</td><td>gpu (GPUs)</td>' +
          '<td class="num">–</td><td class="num">8</td><td class="num">unlimited</td><td class="num">3</td><td class="num">–</td><td class="num">–</td></tr>',
      ),
    );
  });

  it('CSV: after the team rows, one `in-force` row per object and resource naming the snapshot, in the in_force_* columns', async () => {
    const records = (await (await app.request('/api/reviews/2026-Q3/report.csv')).text()).trimEnd().split('\r\n');
    const header = (records[0] ?? '').split(',');
    const first = header.indexOf('in_force_snapshot');
    assert.deepEqual(header.slice(header.indexOf('record') - 1, header.indexOf('record') + 1), ['reasons', 'record']);
    assert.deepEqual(header.slice(first, first + 13), [
      'in_force_snapshot', 'in_force_taken_at', 'in_force_enforced_by', 'in_force_object', 'in_force_parent', 'in_force_flavor', 'in_force_resource',
      'in_force_guarantee', 'in_force_quota', 'in_force_limit', 'in_force_weight', 'in_force_in_use', 'in_force_pending',
    ]);
    // The team rows come first (their reasons hold quoted commas); no cell of an in-force row here holds one, so a split is exact.
    assert.equal(records.length, 1 + review.teams.length + (review.quotasInForce?.rows.length ?? 0));
    const inForce = records.slice(1 + review.teams.length).map((line) => line.split(','));
    assert.deepEqual([...new Set(inForce.map((r) => r[header.indexOf('record')]))], ['in-force']);
    // Every other column of an in-force row is empty but the cycle and the report-wide measured-use note.
    for (const r of inForce) {
      assert.deepEqual(
        r.map((cell, i) => (i >= first && i < first + 13) || i === header.indexOf('record') ? '' : cell).filter((cell) => cell !== ''),
        ['2026-Q3', 'no measured use (no --prometheus given)'],
      );
    }
    assert.deepEqual(inForce.map((r) => r.slice(first, first + 13).join(',')).filter((r) => !r.includes(',resourcequota,')), [
      '3,2026-07-01T02:00:00.000Z,kueue,Cohort ml,quotaplan-root,default-flavor,memory,,64Gi,,2,,',
      '3,2026-07-01T02:00:00.000Z,kueue,ClusterQueue ml-cv,ml,default-flavor,cpu,10,16,24,1500m,0,1',
      '3,2026-07-01T02:00:00.000Z,kueue,ClusterQueue ml-cv,ml,nvidia-h100-80gb-hbm3,nvidia.com/gpu,,6,8,1500m,4,1',
      '3,2026-07-01T02:00:00.000Z,kai,Queue ml-cv,ml,,gpu (GPUs),,8,unlimited,3,,',
      '3,2026-07-01T02:00:00.000Z,kai,Queue ml-cv,ml,,memory (MB),,68719.476736,unlimited,0.5,,',
      '3,2026-07-01T02:00:00.000Z,volcano,Queue ml-cv,ml,,cpu,8,16,,6,4,',
      '3,2026-07-01T02:00:00.000Z,volcano,Queue ml-cv,ml,,nvidia.com/gpu,,6,8,6,2,',
    ]);
  });

  it('escapes every string of the section for its format (names are validated where they enter; this is the second line of defence)', () => {
    const hostile = 'q|x <img src=x onerror=alert(1)> [a](javascript:alert(1)),"y"\n# Injected';
    assert.ok(review.quotasInForce !== null);
    const poisoned: ReviewJson = {
      ...review,
      quotasInForce: {
        ...review.quotasInForce,
        rows: [row({ enforcer: 'resourcequota', object: hostile, parent: hostile, flavor: hostile, resource: `=${hostile}`, quota: '8' })],
      },
    };
    const markdown = reviewMarkdown(poisoned);
    const line = markdown.split('\n').find((l) => l.startsWith('| ResourceQuota |'));
    const md = 'q\\|x &lt;img src=x onerror=alert(1)&gt; \\[a\\](javascript:alert(1)),"y" # Injected';
    assert.equal(line, `| ResourceQuota | ${md} | ${md} | ${md} | =${md} | – | 8 | – | – | – | – |`);
    const html = reviewHtml(poisoned);
    const text = 'q|x &lt;img src=x onerror=alert(1)&gt; [a](javascript:alert(1)),&quot;y&quot;\n# Injected';
    assert.ok(html.includes(`<td>${text}</td><td>${text}</td><td>${text}</td><td>=${text}</td>`));
    assert.equal(html.includes('<img'), false);
    const csv = reviewCsv(poisoned).trimEnd().split('\r\n');
    const quoted = '"q|x <img src=x onerror=alert(1)> [a](javascript:alert(1)),""y""\n# Injected"';
    // A leading = is a formula in a spreadsheet: quoted with an apostrophe.
    const inForceCells = `3,2026-07-01T02:00:00.000Z,resourcequota,${quoted},${quoted},${quoted},"'=q|x <img src=x onerror=alert(1)> [a](javascript:alert(1)),""y""\n# Injected",,8,,,,`;
    // cycle, 24 empty team columns, record, 11 empty DRA columns, the 13 in-force ones, 6 empty measured ones, the note, 3 empty.
    const blanks = (n: number): string => ','.repeat(n);
    assert.equal(csv.at(-1), `2026-Q3${blanks(25)}in-force${blanks(12)}${inForceCells}${blanks(7)}no measured use (no --prometheus given)${blanks(3)}`);
  });
});
