/**
 * Every page-level export (the Review page's Markdown, HTML and CSV reports, the Plan page's PR body) with hostile
 * strings where the cluster or a person supplies them: the cluster name (any kubeconfig context name), the
 * approver and the approval note, a teams file's cycle. Each must come out as text: no HTML, no link or image, no
 * new line, no extra table cell.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { approveCycle, submitCycle } from '../../../src/review/cycle-store.js';
import { createApp } from '../../../src/server/app.js';
import { openStore, type Store } from '../../../src/store/open.js';
import { DEMO_TEAMS, demoInventory } from './seed.js';

const TOKEN = 'unit-test-token';
const NOW = new Date('2026-07-03T00:00:00Z');

/** HTML, a link to javascript:, an image, emphasis, code, a pipe, an entity, and a new line starting a heading and a table row. */
const HOSTILE = 'x|y <img src=x onerror=alert(1)> `code` ![i](x) [a](javascript:alert(1)) **b** _c_ ~~d~~ &amp;\n# Injected\r\n| fake | row |';
/** The same, as inert Markdown: written out by hand from CommonMark's rules (backslash escapes, entities, one line). */
const HOSTILE_MD = 'x\\|y &lt;img src=x onerror=alert(1)&gt; \\`code\\` !\\[i\\](x) \\[a\\](javascript:alert(1)) \\*\\*b\\*\\* \\_c\\_ \\~\\~d\\~\\~ &amp;amp; # Injected \\| fake \\| row \\|';
/** The same in HTML text. */
const HOSTILE_HTML = 'x|y &lt;img src=x onerror=alert(1)&gt; `code` ![i](x) [a](javascript:alert(1)) **b** _c_ ~~d~~ &amp;amp;\n# Injected\r\n| fake | row |';

const CLUSTER = `prod ${HOSTILE}`;
const APPROVER = `head ${HOSTILE}`;
const NOTE = `note ${HOSTILE}`;

/** Table rows of a Markdown text: every line of a table has as many unescaped pipes as its header. */
function assertTablesIntact(markdown: string): void {
  const pipes = (line: string): number => [...line.matchAll(/(?<!\\)\|/g)].length;
  let expected: number | null = null;
  for (const line of markdown.split('\n')) {
    if (!line.startsWith('|')) {
      expected = null;
      continue;
    }
    expected ??= pipes(line);
    assert.equal(pipes(line), expected, `a table row with an extra cell: ${line}`);
  }
}

function assertInertMarkdown(markdown: string): void {
  assert.equal(markdown.includes('<img'), false, 'raw HTML');
  assert.equal(/(?<!\\)\]\(javascript:/.test(markdown), false, 'a javascript: link');
  assert.equal(/^# Injected/m.test(markdown), false, 'a new line from a name');
  assert.equal(markdown.includes('\r'), false);
  assertTablesIntact(markdown);
}

describe('page-level exports escape every cluster-provided string', () => {
  let store: Store;
  let app: ReturnType<typeof createApp>;
  const query = `?cluster=${encodeURIComponent(CLUSTER)}`;

  before(async () => {
    store = await openStore({ file: ':memory:' });
    for (let hour = 0; hour < 3; hour += 1) {
      await store.saveSnapshot({
        cluster: { name: CLUSTER },
        takenAt: new Date(Date.UTC(2026, 6, 1, hour)),
        source: { kind: 'file', ref: 'dump.json' },
        inventory: demoInventory(hour, 3),
      });
    }
    app = createApp({ store, clock: () => NOW, token: TOKEN, log: () => {} });
    const save = async (teamsYaml: string): Promise<number> => {
      const response = await app.request('/api/plans', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${TOKEN}` },
        body: JSON.stringify({ teamsYaml, cluster: CLUSTER }),
      });
      assert.equal(response.status, 201, await response.clone().text());
      return (await response.json()).id;
    };
    const q3 = await save(DEMO_TEAMS);
    await store.createCycle({ cluster: CLUSTER, name: '2026-Q3', createdAt: NOW, startsAt: new Date('2026-07-01T00:00:00Z'), endsAt: new Date('2026-10-01T00:00:00Z'), planId: q3 });
    await submitCycle(store, { cluster: CLUSTER, cycle: '2026-Q3', at: NOW, actor: 'planner' });
    await approveCycle(store, { cluster: CLUSTER, cycle: '2026-Q3', at: NOW, actor: APPROVER, note: NOTE });
    const q4 = await save(DEMO_TEAMS.replace('cycle: 2026-Q3', 'cycle: 2026-Q4'));
    await store.createCycle({ cluster: CLUSTER, name: '2026-Q4', createdAt: NOW, startsAt: new Date('2026-10-01T00:00:00Z'), endsAt: new Date('2027-01-01T00:00:00Z'), planId: q4 });
    // A plan whose teams file names a hostile cycle (the teams file's `cycle:` is free text).
    await save(DEMO_TEAMS.replace('cycle: 2026-Q3', `cycle: ${JSON.stringify(`Q ${HOSTILE}`)}`));
  });

  it('the review as Markdown: the cluster, the approver and the note as text', async () => {
    const response = await app.request(`/api/reviews/2026-Q3/report.md${query}`);
    assert.equal(response.status, 200);
    const markdown = await response.text();
    assertInertMarkdown(markdown);
    assert.ok(markdown.startsWith(`# Allocation review: 2026-Q3 (cluster prod ${HOSTILE_MD})\n`), markdown.slice(0, 400));
    assert.ok(markdown.includes(`- Cycle: 2026-Q3 (2026-07-01 to 2026-10-01), plan 1, approved by head ${HOSTILE_MD} on 2026-07-03 00:00 UTC ("note ${HOSTILE_MD}")\n`));
    assert.ok(markdown.includes('`quotaplan cycle submit --cycle 2026-Q4`'), 'our own commands stay code');
  });

  it('the review as HTML: every one of them escaped, in the title too', async () => {
    const html = await (await app.request(`/api/reviews/2026-Q3/report.html${query}`)).text();
    assert.equal(html.includes('<img'), false);
    assert.ok(html.includes(`<title>Allocation review: 2026-Q3 (cluster prod ${HOSTILE_HTML})</title>`));
    assert.ok(html.includes(`approved by head ${HOSTILE_HTML} on 2026-07-03 00:00 UTC (&quot;note ${HOSTILE_HTML}&quot;)`));
  });

  it('the review as CSV: one record per line however the strings look', async () => {
    const csv = await (await app.request(`/api/reviews/2026-Q3/report.csv${query}`)).text();
    const records = csv.trimEnd().split('\r\n');
    const review = await (await app.request(`/api/reviews/2026-Q3${query}`)).json();
    // The header, a row per team and resource, then a row per quota in force at the cycle's last snapshot (no DRA here).
    assert.ok(review.quotasInForce.rows.length > 0);
    assert.equal(records.length, 1 + review.teams.length + review.quotasInForce.rows.length);
  });

  it('the PR body of a plan: cluster and cycle as text', async () => {
    const body = await (await app.request(`/api/plans/3/pr-body.md${query}`)).text();
    assertInertMarkdown(body);
    assert.ok(body.startsWith(`# Quotas for Q ${HOSTILE_MD} (plan 3, cluster prod ${HOSTILE_MD})\n`), body.slice(0, 400));
  });
});
