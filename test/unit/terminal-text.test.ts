/**
 * One escaping for every text output (issue 13 item 15): control characters, C1 controls, bidirectional overrides
 * and lone surrogates from a cluster become visible `\uNNNN` escapes in tables, warnings, error messages, JSON,
 * Markdown, CSV, HTML and PR bodies. Before, a node labelled with `ESC[2J` cleared the screen in `inventory`.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { dumpFileObjects, dumpObjects, MAX_YAML_DUMP_BYTES } from '../../src/collect/dump.js';
import { renderInventory } from '../../src/commands/inventory.js';
import { renderPlan } from '../../src/commands/plan.js';
import { ValidationError } from '../../src/errors.js';
import { InventoryBuilder } from '../../src/inventory/builder.js';
import { buildPlan } from '../../src/plan/build-plan.js';
import { parseTeamsFile } from '../../src/plan/teams-file.js';
import { main } from '../../src/program.js';
import { escapeTerminalText, quoted } from '../../src/terminal-text.js';
import { aList, aNamespace, aNode, gfd } from '../builders/kube.js';

const HOSTILE = 'H100\u001b[2J\r\u009b31m\u202eevil\ud800';
const SHOWN = 'H100\\u001b[2J\\u000d\\u009b31m\\u202eevil\\ud800';

describe('terminal text', () => {
  it('escapes C0 and C1 controls, DEL, bidi overrides, line separators and lone surrogates, and nothing else', () => {
    assert.equal(escapeTerminalText(HOSTILE), SHOWN);
    assert.equal(escapeTerminalText('a\tb\nc\u007f\u2028\u2066'), 'a\\u0009b\\u000ac\\u007f\\u2028\\u2066');
    assert.equal(escapeTerminalText('a\tb\nc\r', { newlines: 'keep' }), 'a\tb\nc\\u000d');
    assert.equal(escapeTerminalText('a,b\r\nc\rd\r\n', { newlines: 'keep' }), 'a,b\r\nc\\u000dd\r\n');
    assert.equal(escapeTerminalText('équipe ✓ \ud83d\ude80 back\\slash "quoted"'), 'équipe ✓ \ud83d\ude80 back\\slash "quoted"');
    assert.equal(quoted('x\u001b'), '"x\\u001b"');
  });

  it('shows a hostile GPU product label escaped in the inventory table and keeps JSON output the same value', () => {
    const node = aNode('n1').withLabels(gfd(HOSTILE, 8)).withCapacity({ cpu: '8', 'nvidia.com/gpu': '8' }).build();
    const builder = new InventoryBuilder();
    for (const object of dumpObjects(JSON.stringify(aList(node)), { file: 'dump.json' })) builder.add(object);
    const inventory = builder.build();
    const table = renderInventory(inventory, 'table');
    assert.equal(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e]/.test(table), false);
    assert.ok(table.includes(SHOWN), table);
    const json = renderInventory(inventory, 'json');
    assert.equal(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e]/.test(json), false);
    assert.equal(JSON.parse(json).nodes[0].model, HOSTILE);
  });
});

describe('text outputs', () => {
  it('escapes what an error message quotes before it reaches the terminal', async () => {
    const chunks: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string | Uint8Array): boolean => {
      chunks.push(String(chunk));
      return true;
    }) as typeof process.stderr.write;
    let code: number;
    try {
      code = await main(['inventory', '--from-file', join(tmpdir(), 'no-such-\u001b[2J-dump.json')]);
    } finally {
      process.stderr.write = write;
    }
    assert.equal(code, 2);
    assert.equal(chunks.join(''), `quotaplan: ${join(tmpdir(), 'no-such-\\u001b[2J-dump.json')}: cannot read dump: no such file\n`);
  });

  it('escapes a hostile GPU model in the plan table and the plan JSON', () => {
    const node = aNode('n1').withLabels(gfd(HOSTILE, 8)).withCapacity({ cpu: '8', 'nvidia.com/gpu': '8' }).build();
    const builder = new InventoryBuilder();
    for (const object of dumpObjects(JSON.stringify(aList(node, aNamespace('a'))), { file: 'dump.json' })) builder.add(object);
    const teams = parseTeamsFile(`cycle: q\nteams:\n  - name: a\n    namespaces: [a]\n    resources:\n      nvidia.com/gpu:\n        flavors:\n          ${JSON.stringify(HOSTILE)}: { demand: "2" }\n`, 'teams.yaml');
    const plan = buildPlan({ teams, inventory: builder.build() });
    const table = renderPlan(plan, 'table');
    assert.equal(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e]/.test(table), false);
    assert.ok(table.includes(SHOWN), table);
    const json = renderPlan(plan, 'json');
    assert.equal(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e]/.test(json), false);
    assert.equal(JSON.parse(json).allocations[0].flavor, HOSTILE);
  });
});

describe('a YAML dump above MAX_YAML_DUMP_BYTES', () => {
  it('is refused before it is parsed, naming the file and its size; JSON of any size is streamed instead', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'quotaplan-yaml-size-'));
    try {
      const file = join(dir, 'big.yaml');
      const dump = stringify(aList(aNode('n1').build()));
      // A valid dump, padded with a comment to one byte over the bound.
      writeFileSync(file, `${dump}#${'x'.repeat(MAX_YAML_DUMP_BYTES - Buffer.byteLength(dump) - 1)}\n`);
      const size = statSync(file).size;
      assert.equal(size, MAX_YAML_DUMP_BYTES + 1);
      await assert.rejects(
        async () => {
          for await (const _ of dumpFileObjects(file)) void _;
        },
        (error: unknown) => {
          assert.ok(error instanceof ValidationError);
          assert.equal(
            error.message,
            `${file}: a YAML dump of ${size} bytes is above the ${MAX_YAML_DUMP_BYTES} bytes (16 MiB) quotaplan reads as YAML (it takes about 60 times its size in memory); dump the cluster as JSON instead (kubectl get ... -o json), which is read as a stream`,
          );
          assert.deepEqual(error.where, { file, value: size });
          return true;
        },
      );
      const small = join(dir, 'small.yaml');
      writeFileSync(small, dump);
      const kinds: string[] = [];
      for await (const object of dumpFileObjects(small)) kinds.push(object.kind);
      assert.deepEqual(kinds, ['Node']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
