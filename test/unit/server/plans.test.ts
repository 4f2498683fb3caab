import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dumpObjects } from '../../../src/collect/dump.js';
import { InventoryBuilder } from '../../../src/inventory/builder.js';
import { buildPlan } from '../../../src/plan/build-plan.js';
import { planToJson } from '../../../src/plan/plan-json.js';
import { parseTeamsFile } from '../../../src/plan/teams-file.js';
import { createApp, type AppDeps } from '../../../src/server/app.js';
import { DEMO_TEAMS, demoInventory, demoList, seededStore } from './seed.js';

const TOKEN = 'unit-test-token';
const NOW = new Date('2026-07-02T00:00:00Z');

async function setup(options: Partial<AppDeps> = {}) {
  const store = await seededStore({ hours: 2 });
  const app = createApp({ store, clock: () => NOW, token: TOKEN, log: () => {}, ...options });
  return { store, app };
}

function post(app: ReturnType<typeof createApp>, path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return Promise.resolve(
    app.request(path, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) }),
  );
}

const auth = { Authorization: `Bearer ${TOKEN}` };

describe('POST /api/plans', () => {
  it('plans the posted teams file on the latest snapshot and stores exactly the planner\u2019s plan', async () => {
    const { store, app } = await setup();
    const response = await post(app, '/api/plans', { teamsYaml: DEMO_TEAMS }, auth);
    assert.equal(response.status, 201);
    assert.deepEqual(await response.json(), {
      id: 1,
      cluster: 'demo',
      cycle: '2026-Q3',
      snapshotId: 2,
      createdAt: '2026-07-02T00:00:00.000Z',
      savedBy: 'token',
    });
    const expected = planToJson(buildPlan({ teams: parseTeamsFile(DEMO_TEAMS, 'teams'), inventory: await store.loadInventory(2) }));
    const detail = await (await app.request('/api/plans/1')).json();
    assert.deepEqual(detail.plan, expected);
    assert.equal(detail.teamsYaml, DEMO_TEAMS);
  });

  it('refuses a change without a token (401), with a wrong token (401), and when no token is configured (403)', async () => {
    const { store, app } = await setup();
    const missing = await post(app, '/api/plans', { teamsYaml: DEMO_TEAMS });
    assert.equal(missing.status, 401);
    assert.equal(missing.headers.get('www-authenticate'), 'Bearer realm="quotaplan"');
    assert.equal((await missing.json()).field, 'authorization');
    const wrong = await post(app, '/api/plans', { teamsYaml: DEMO_TEAMS }, { Authorization: 'Bearer nope' });
    assert.equal(wrong.status, 401);
    const readOnly = createApp({ store, clock: () => NOW, log: () => {} });
    assert.equal((await post(readOnly, '/api/plans', { teamsYaml: DEMO_TEAMS }, auth)).status, 403);
    assert.deepEqual(await store.listPlans(), []);
  });

  it('refuses form posts and cross-origin requests even with the token', async () => {
    const { store, app } = await setup();
    const form = await app.request('/api/plans', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...auth },
      body: 'teamsYaml=x',
    });
    assert.equal(form.status, 415);
    assert.equal((await form.json()).field, 'content-type');
    const crossOrigin = await post(app, '/api/plans', { teamsYaml: DEMO_TEAMS }, { ...auth, Origin: 'https://evil.example' });
    assert.equal(crossOrigin.status, 403);
    assert.equal((await crossOrigin.json()).field, 'origin');
    const crossSite = await post(app, '/api/plans', { teamsYaml: DEMO_TEAMS }, { ...auth, 'Sec-Fetch-Site': 'cross-site' });
    assert.equal(crossSite.status, 403);
    const sameOrigin = await post(app, '/api/plans', { teamsYaml: DEMO_TEAMS }, { ...auth, Origin: 'http://localhost', 'Sec-Fetch-Site': 'same-origin' });
    assert.equal(sameOrigin.status, 201);
    assert.equal((await store.listPlans()).length, 1);
  });

  it('accepts the identity of a trusted auth proxy only when that header is enabled', async () => {
    const { store } = await setup();
    const proxied = createApp({ store, clock: () => NOW, trustedAuthHeader: 'X-Forwarded-User', log: () => {} });
    const saved = await post(proxied, '/api/plans', { teamsYaml: DEMO_TEAMS }, { 'X-Forwarded-User': 'alice@example.com' });
    assert.equal(saved.status, 201);
    assert.equal((await saved.json()).savedBy, 'alice@example.com');
    const plain = createApp({ store, clock: () => NOW, token: TOKEN, log: () => {} });
    assert.equal((await post(plain, '/api/plans', { teamsYaml: DEMO_TEAMS }, { 'X-Forwarded-User': 'alice@example.com' })).status, 401);
  });

  it('answers bad input with 400 naming the field, and infeasible guarantees with 409', async () => {
    const { store, app } = await setup();
    const cases: Array<[unknown, string]> = [
      ['{"teamsYaml": ', 'body'],
      [{ teamsYaml: DEMO_TEAMS, extra: 1 }, ''],
      [{ teamsYaml: DEMO_TEAMS, plan: 'latest' }, 'teamsYaml'],
      [{ teamsYaml: DEMO_TEAMS, snapshot: 'yesterday' }, 'snapshot'],
      [{ teamsYaml: DEMO_TEAMS, changes: [{ team: 'research/nlp', resource: 'nvidia.com/gpu', demand: 'lots' }] }, 'changes[0].demand'],
      [{ teamsYaml: DEMO_TEAMS, changes: [{ team: 'research/nobody', weight: 2 }] }, 'changes[0].team'],
      [{ teamsYaml: DEMO_TEAMS, nodes: [{ like: 'h100-0', count: 0 }] }, 'nodes[0].count'],
      [{ teamsYaml: DEMO_TEAMS, nodes: [{ like: 'no-such-node', count: 1 }] }, 'nodes'],
      [{ teamsYaml: DEMO_TEAMS, nodes: [{ like: 'h100-0', count: 4 }] }, 'nodes'],
      [{ teamsYaml: DEMO_TEAMS.replace('cycle: 2026-Q3', 'cycle: [') }, 'teams file'],
    ];
    for (const [body, field] of cases) {
      const response = await post(app, '/api/plans', body, auth);
      assert.equal(response.status, 400, JSON.stringify(body).slice(0, 80));
      const error = await response.json();
      assert.equal(error.field, field, error.error);
    }
    const huge = await post(app, '/api/what-if', { teamsYaml: `# ${'x'.repeat(1024 * 1024)}\n${DEMO_TEAMS}` });
    assert.equal(huge.status, 413);
    assert.equal((await huge.json()).field, 'body');
    const infeasible = await post(app, '/api/plans', { teamsYaml: DEMO_TEAMS, changes: [{ team: 'research/alice', resource: 'amd.com/gpu', guarantee: '100', cap: null, demand: null }] }, auth);
    assert.equal(infeasible.status, 409);
    assert.deepEqual(await store.listPlans(), []);
  });
});

describe('POST /api/what-if', () => {
  it('is open to readers, stores nothing, and equals the planner on the hand-edited teams file', async () => {
    const { store, app } = await setup();
    await post(app, '/api/plans', { teamsYaml: DEMO_TEAMS }, auth);
    const response = await post(app, '/api/what-if', { changes: [{ team: 'research/nlp', resource: 'nvidia.com/gpu', demand: '10', guarantee: null }] });
    assert.equal(response.status, 200);
    const body = await response.json();
    const edited = DEMO_TEAMS.replace('nvidia.com/gpu: { demand: "40", guarantee: "8" }', 'nvidia.com/gpu: { demand: "10" }');
    assert.notEqual(edited, DEMO_TEAMS);
    const inventory = await store.loadInventory(2);
    const base = buildPlan({ teams: parseTeamsFile(DEMO_TEAMS, 'teams'), inventory });
    const expected = buildPlan({ teams: parseTeamsFile(edited, 'teams'), inventory, previous: base });
    assert.deepEqual(body.plan, planToJson(expected));
    const nlp = body.rows.find((r: { team: string; resource: string }) => r.team === 'research/nlp' && r.resource === 'nvidia.com/gpu');
    const before = base.allocations.find((a) => a.team === 'research/nlp' && a.resource === 'nvidia.com/gpu');
    assert.equal(nlp.baseline, String((before?.quota.nanos ?? 0n) / 1_000_000_000n));
    assert.equal(nlp.demand, '10');
    assert.equal(nlp.guarantee, '0');
    assert.equal((await store.listPlans()).length, 1);
  });

  it('refuses a namespace two teams claim (one by name, one by selector) with 400 naming both, and saving it stores nothing', async () => {
    const { store, app } = await setup();
    // research/vision selects every research namespace, nlp-eval and nlp-train among them (research/nlp's).
    const twoOwners = DEMO_TEAMS.replace('namespaces: [vision]', 'selector: { department: research }');
    assert.notEqual(twoOwners, DEMO_TEAMS);
    const message =
      'teams file: namespace nlp-eval is claimed by two teams: research/nlp (namespaces, teams[1].teams[0]) and ' +
      'research/vision (selector department=research, teams[1].teams[1]); a namespace belongs to one team (its use would count twice and its quota be written twice)';
    const whatIf = await post(app, '/api/what-if', { teamsYaml: twoOwners });
    assert.equal(whatIf.status, 400);
    assert.equal((await whatIf.json()).error, message);
    const save = await post(app, '/api/plans', { teamsYaml: twoOwners }, auth);
    assert.equal(save.status, 400);
    assert.equal((await save.json()).error, message);
    assert.deepEqual(await store.listPlans(), []);
  });

  it('warns about a resource the cluster does not have, and with strict refuses it (400) naming it', async () => {
    const { app } = await setup();
    const typo = DEMO_TEAMS.replace('nvidia.com/gpu.shared: { demand: "40" }', 'nvidia.com/gpus: { demand: "40" }');
    assert.notEqual(typo, DEMO_TEAMS);
    const warned = await (await post(app, '/api/what-if', { teamsYaml: typo })).json();
    const warning = warned.plan.warnings.find((w: { kind: string }) => w.kind === 'unknown-resource');
    assert.deepEqual([warning.team, warning.resource], ['research/vision', 'nvidia.com/gpus']);
    const refused = await post(app, '/api/what-if', { teamsYaml: typo, strict: true });
    assert.equal(refused.status, 400);
    assert.equal((await refused.json()).error, `teams file: refused under --strict: ${warning.message}`);
  });

  it('refuses Kubernetes names that break the API\u2019s rules in the body and in its teams file (400), storing nothing', async () => {
    const { store, app } = await setup();
    const badNode = await post(app, '/api/what-if', { teamsYaml: DEMO_TEAMS, nodes: [{ like: '../h100-0', count: 1 }] });
    assert.equal(badNode.status, 400);
    assert.deepEqual(await badNode.json(), { error: 'nodes[0].like: expected a node name (a lowercase RFC 1123 subdomain)', field: 'nodes[0].like' });
    const badResource = await post(app, '/api/what-if', { changes: [{ team: 'research/nlp', resource: 'nvidia.com/gpu/../x', demand: '1' }] });
    assert.equal(badResource.status, 400);
    assert.deepEqual(await badResource.json(), {
      error: 'changes[0].resource: expected a resource name (a Kubernetes qualified name such as "nvidia.com/gpu")',
      field: 'changes[0].resource',
    });
    const badNamespace = DEMO_TEAMS.replace('namespaces: [vision]', 'namespaces: ["../vision"]');
    assert.notEqual(badNamespace, DEMO_TEAMS);
    const saved = await post(app, '/api/plans', { teamsYaml: badNamespace }, auth);
    assert.equal(saved.status, 400);
    assert.deepEqual(await saved.json(), {
      error:
        'teams file: teams[1].teams[1].namespaces[0]: must be a lowercase RFC 1123 label: at most 63 characters, lower case letters, digits and "-", starting and ending with a letter or digit (got "../vision")',
      field: 'teams[1].teams[1].namespaces[0]',
    });
    assert.deepEqual(await store.listPlans(), []);
  });

  it('refuses a teams file whose YAML aliases expand too far, or whose teams contain themselves (400, not 500)', async () => {
    const { app } = await setup();
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let level = 1; level <= 8; level += 1) levels.push(`${String.fromCharCode(97 + level)}: &${String.fromCharCode(97 + level)} [${Array(10).fill(`*${String.fromCharCode(96 + level)}`).join(', ')}]`);
    const bomb = await post(app, '/api/what-if', { teamsYaml: `cycle: q\n${levels.join('\n')}\nteams: *i\n` });
    assert.equal(bomb.status, 400);
    assert.deepEqual(await bomb.json(), {
      error: 'teams file: YAML aliases expand past 100 nodes (Excessive alias count indicates a resource exhaustion attack); write the values out instead of aliasing them',
      field: 'teams file',
    });
    const loop = await post(app, '/api/what-if', { teamsYaml: 'cycle: q\nteams: &t [ {name: a, teams: *t} ]\n' });
    assert.equal(loop.status, 400);
    assert.deepEqual(await loop.json(), {
      error: 'teams file: teams[0].teams: the list contains itself (a YAML alias to an enclosing team list); teams must form a tree',
      field: 'teams[0].teams',
    });
  });

  it('names an unknown template node', async () => {
    const { app } = await setup();
    const response = await post(app, '/api/what-if', { teamsYaml: DEMO_TEAMS, nodes: [{ like: 'no-such-node', count: 1 }] });
    assert.equal(response.status, 400);
    assert.equal((await response.json()).field, 'nodes[0].like');
  });

  it('plans "+4 nodes like h100-0" exactly as a cluster with four more such nodes', async () => {
    const { store, app } = await setup();
    await post(app, '/api/plans', { teamsYaml: DEMO_TEAMS }, auth);
    const body = await (await post(app, '/api/what-if', { nodes: [{ like: 'h100-0', count: 4 }] })).json();
    const list = demoList(1, 2) as { items: Array<{ kind: string; metadata: { name: string } }> };
    const h100 = list.items.find((item) => item.kind === 'Node' && item.metadata.name === 'h100-0');
    const extra = [1, 2, 3, 4].map((i) => ({ ...structuredClone(h100), metadata: { ...structuredClone(h100)!.metadata, name: `h100-extra-${i}` } }));
    const builder = new InventoryBuilder();
    for (const object of dumpObjects(JSON.stringify({ ...list, items: [...list.items, ...extra] }))) builder.add(object);
    const bigger = builder.build();
    const base = buildPlan({ teams: parseTeamsFile(DEMO_TEAMS, 'teams'), inventory: demoInventory(1, 2) });
    const expected = buildPlan({ teams: parseTeamsFile(DEMO_TEAMS, 'teams'), inventory: bigger, previous: base });
    assert.deepEqual(body.plan, planToJson(expected));
    assert.equal(body.plan.capacity['nvidia.com/gpu'], String(57 + 32));
    assert.equal((await store.listPlans()).length, 1);
  });

  it('removes nodes: "-1 like h100-0" takes its 8 GPUs off the capacity, and refuses to go below zero', async () => {
    const { app } = await setup();
    const fewer = await (await post(app, '/api/what-if', { teamsYaml: DEMO_TEAMS, nodes: [{ like: 'h100-0', count: -1 }] })).json();
    // Plannable nvidia.com/gpu of the demo: 39 (H100, h100-5 cordoned) + 2 (A100 whole GPUs on the settled node)
    // + 16 (H200 slices) = 57; one H100 node fewer is 49.
    assert.equal(fewer.plan.capacity['nvidia.com/gpu'], '49');
    const tooMany = await post(app, '/api/what-if', { teamsYaml: DEMO_TEAMS, nodes: [{ like: 'mi300x-0', count: -3 }] });
    assert.equal(tooMany.status, 400);
    const error = await tooMany.json();
    assert.equal(error.field, 'nodes');
    assert.match(error.error, /amd\.com\/gpu/);
  });

  it('keeps the teams file\u2019s comments when it edits a weight', async () => {
    const { app } = await setup();
    const body = await (await post(app, '/api/what-if', { teamsYaml: DEMO_TEAMS, changes: [{ team: 'research', weight: 3 }] })).json();
    assert.match(body.teamsYaml, /^# Demo teams: quarterly GPU allocation/);
    assert.match(body.teamsYaml, /- name: research\n {4}teams:/);
    assert.match(body.teamsYaml, /- name: research\n(.*\n)*? {4}weight: 3\n/);
  });
});

describe('plan reads and downloads', () => {
  it('answers 404 for an unknown plan and 400 for a malformed reference', async () => {
    const { app } = await setup();
    const unknown = await app.request('/api/plans/999');
    assert.equal(unknown.status, 404);
    assert.equal((await unknown.json()).field, 'plan');
    const malformed = await app.request('/api/plans/abc');
    assert.equal(malformed.status, 400);
    assert.equal((await malformed.json()).field, 'ref');
  });

  it('serves the manifests and the PR body of a stored plan as downloads', async () => {
    const { app } = await setup();
    await post(app, '/api/plans', { teamsYaml: DEMO_TEAMS }, auth);
    const yaml = await app.request('/api/plans/1/manifests.yaml');
    assert.equal(yaml.status, 200);
    assert.equal(yaml.headers.get('content-disposition'), 'attachment; filename="plan-1.yaml"');
    const text = await yaml.text();
    // Profile-owned namespace: the Profile is patched, never kf-resource-quota (domain.md section 4).
    assert.match(text, /kind: Profile\nmetadata:\n {2}name: alice-research/);
    assert.doesNotMatch(text, /name: kf-resource-quota/);
    const prBody = await app.request('/api/plans/1/pr-body.md');
    assert.equal(prBody.status, 200);
    assert.match(await prBody.text(), /^# Quotas for 2026-Q3 \(plan 1, cluster demo\)/);
  });
});

describe('serving beyond loopback', () => {
  it('needs the token for reading too, except the page and /api/meta', async () => {
    const { app } = await setup({ readersNeedAuth: true });
    assert.equal((await app.request('/api/capacity')).status, 401);
    assert.equal((await app.request('/api/capacity', { headers: auth })).status, 200);
    assert.equal((await app.request('/api/meta')).status, 200);
    assert.equal((await app.request('/')).status, 200);
  });

  it('refuses a host name it does not serve (DNS rebinding)', async () => {
    const { app } = await setup({ allowedHosts: ['127.0.0.1', 'localhost'] });
    const response = await app.request('http://evil.example:8080/api/capacity');
    assert.equal(response.status, 403);
    assert.equal((await response.json()).field, 'host');
    assert.equal((await app.request('http://127.0.0.1:8080/api/capacity')).status, 200);
  });
});
