/** `quotaplan inventory --from-file` through the real CLI entry (bin/quotaplan.js), as a user runs it. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { CLI_BIN, ensureBuilt } from '../support/cli.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/cluster-mixed-gpu.json', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'quotaplan-inventory-cli-'));

function quotaplan(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  ensureBuilt();
  const result = spawnSync(process.execPath, [CLI_BIN, ...args], { encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function node(name: string, capacity: Record<string, string>): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'Node', metadata: { name }, status: { capacity, allocatable: capacity } };
}

describe('quotaplan inventory --from-file', () => {
  it('prints the fixture as JSON with physical GPUs and plannable capacity', () => {
    const run = quotaplan('inventory', '--from-file', FIXTURE, '-o', 'json');
    assert.equal(run.stderr, '');
    assert.equal(run.code, 0);
    const out = JSON.parse(run.stdout) as {
      nodes: { name: string; physicalAccelerators: number; accelerators: { resource: string; gpuEquivalent: number }[] }[];
      plannable: Record<string, string>;
    };
    assert.deepEqual(
      out.nodes.map((n) => [n.name, n.physicalAccelerators]),
      [['cpu-1', 0], ['gpu-a100-mig', 4], ['gpu-h100-a', 8], ['gpu-h100-b', 8], ['gpu-h100-cordoned', 8], ['gpu-intel-flex', 2], ['gpu-mi300x', 8], ['gpu-t4-shared', 1]],
    );
    assert.deepEqual(
      out.nodes.find((n) => n.name === 'gpu-a100-mig')?.accelerators.map((a) => [a.resource, a.gpuEquivalent]),
      [['nvidia.com/gpu', 1], ['nvidia.com/mig-1g.10gb', 0.142857], ['nvidia.com/mig-2g.20gb', 0.285714], ['nvidia.com/mig-3g.40gb', 0.428571]],
    );
    assert.equal(out.plannable['nvidia.com/gpu'], '29');
    assert.equal(out.plannable.cpu, '444500m');
  });

  it('prints a table per pool and model by default', () => {
    const run = quotaplan('inventory', '--from-file', FIXTURE);
    assert.equal(run.code, 0);
    assert.match(run.stdout, /^NODES\n/);
    // 3 H100 nodes, 2 plannable (one cordoned), 24 GPUs; 7 + 8 + 8 allocatable, 8 requested, 15 free, 15 plannable.
    assert.match(run.stdout, /^h100 +NVIDIA-H100-80GB-HBM3 +3 +2 +24 +nvidia\.com\/gpu +23 +8 +15 +15$/m);
    assert.match(run.stdout, /^- node gpu-h100-a: 1 of 8 nvidia\.com\/gpu unhealthy or reserved \(allocatable < capacity\)$/m);
  });

  it('reads the same dump as YAML to the same JSON', () => {
    const yaml = file('cluster.yaml', stringify(JSON.parse(readFileSync(FIXTURE, 'utf8'))));
    const fromYaml = quotaplan('inventory', '--from-file', yaml, '-o', 'json');
    const fromJson = quotaplan('inventory', '--from-file', FIXTURE, '-o', 'json');
    assert.equal(fromYaml.code, 0);
    assert.equal(fromYaml.stdout, fromJson.stdout);
  });

  const bad: { name: string; file: () => string; stderr: (path: string) => RegExp }[] = [
    {
      name: 'malformed JSON',
      file: () => file('broken.json', '{"kind": "List", "items": [\n  {"kind": "Node",\n}'),
      stderr: (p) => new RegExp(`^quotaplan: ${esc(p)}: malformed JSON at line 3, column 1: `),
    },
    {
      name: 'malformed YAML',
      file: () => file('broken.yaml', 'kind: List\nitems:\n  - kind: Node\n   metadata: {name: a}\n'),
      stderr: (p) => new RegExp(`^quotaplan: ${esc(p)}: malformed YAML: `),
    },
    {
      name: 'an object of an unknown kind',
      file: () => file('unknown.json', JSON.stringify({ kind: 'List', items: [node('n1', { cpu: '1' }), { kind: 'Service', metadata: { name: 'web', namespace: 'shop' } }] })),
      stderr: (p) => new RegExp(`^quotaplan: ${esc(p)}: Service shop/web \\(items\\[1\\]\\): kind: unknown kind "Service"`),
    },
    {
      name: 'an invalid quantity',
      file: () => file('quantity.json', JSON.stringify({ kind: 'List', items: [node('gpu-7', { cpu: '64', 'nvidia.com/gpu': 'eight' })] })),
      stderr: (p) => new RegExp(`^quotaplan: ${esc(p)}: Node gpu-7 \\(items\\[0\\]\\): status.capacity.nvidia.com/gpu: invalid quantity "eight"`),
    },
    {
      name: 'a missing file',
      file: () => join(dir, 'absent.json'),
      stderr: (p) => new RegExp(`^quotaplan: ${esc(p)}: cannot read dump: no such file\\n$`),
    },
  ];
  for (const c of bad) {
    it(`exits 2 on ${c.name}, names the file, object and field, and prints nothing on stdout`, () => {
      const path = c.file();
      const run = quotaplan('inventory', '--from-file', path, '-o', 'json');
      assert.equal(run.code, 2);
      assert.equal(run.stdout, '');
      assert.match(run.stderr, c.stderr(path));
    });
  }

  it('exits 2 without a source and on an unknown output format', () => {
    const none = quotaplan('inventory');
    assert.deepEqual([none.code, none.stderr], [2, 'quotaplan: inventory: give --from-file <dump> or --snapshot <id|latest>\n']);
    const format = quotaplan('inventory', '--from-file', FIXTURE, '-o', 'xml');
    assert.equal(format.code, 2);
    assert.match(format.stderr, /argument 'xml' is invalid\. Allowed choices are table, json\./);
  });
});

function esc(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
