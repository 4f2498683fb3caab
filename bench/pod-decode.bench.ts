/**
 * The one-shot collect's pods LIST in-process (issue 20): N pods of protobuf bytes through each checkout's
 * ProtobufListStream, parseObject and InventoryBuilder, as `collect` reads a streamed LIST, without a network or an
 * API server, alternating between checkouts. The bytes: a recorded pods LIST (`--body FILE`, a protobuf body as the
 * API server sent it, e.g. `curl -H 'Accept: application/vnd.kubernetes.protobuf' .../api/v1/pods?limit=30000`), or
 * by default the three real pods of test/fixtures/protobuf/pods-page.pb (labels, env, probes, volumes,
 * managedFields: ~3.8 KB each) repeated to N, each with its own name and uid (patched in place, same length).
 *
 *   node --expose-gc --import tsx bench/pod-decode.bench.ts --root AFTER [--compare-root BEFORE,...] [--pods 30000]
 *       [--rounds 7] [--chunk 65536] [--body FILE]
 *
 * Per round and checkout: CPU (process.cpuUsage, user + system) and wall time from the first chunk to the built
 * inventory, after a full garbage collection; medians over the rounds, after one unmeasured warm-up each, whose
 * inventories are compared whole (they must be equal). Asserts nothing else.
 */
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual, parseArgs } from 'node:util';
import protobuf from 'protobufjs';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const { values } = parseArgs({
  options: {
    root: { type: 'string', default: root },
    'compare-root': { type: 'string' },
    pods: { type: 'string', default: '30000' },
    rounds: { type: 'string', default: '7' },
    chunk: { type: 'string', default: '65536' },
    body: { type: 'string' },
  },
});
const podCount = Number(values.pods);
const rounds = Number(values.rounds);
const chunkSize = Number(values.chunk);
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with node --expose-gc');

interface Checkout {
  root: string;
  collect(body: Buffer): { pods: number; inventory: unknown };
}

async function load(checkout: string): Promise<Checkout> {
  const at = (path: string): string => join(resolve(checkout), path);
  const { ProtobufListStream } = (await import(at('src/collect/protobuf.ts'))) as typeof import('../src/collect/protobuf.js');
  const { parseObject } = (await import(at('src/kinds/parse.ts'))) as typeof import('../src/kinds/parse.js');
  const { InventoryBuilder } = (await import(at('src/inventory/builder.ts'))) as typeof import('../src/inventory/builder.js');
  return {
    root: checkout,
    collect(body) {
      const stream = new ProtobufListStream();
      const builder = new InventoryBuilder();
      let pods = 0;
      for (let at = 0; at < body.length; at += chunkSize) {
        // A fresh Buffer per chunk, as a socket gives them.
        for (const item of stream.push(Buffer.from(body.subarray(at, at + chunkSize)))) {
          if (!('kind' in item)) Object.assign(item, { kind: 'Pod', apiVersion: 'v1' });
          builder.add(parseObject(item, { file: 'bench' }));
          pods++;
        }
      }
      stream.end();
      return { pods, inventory: builder.build() };
    },
  };
}

/** A PodList body of `count` pods made from the fixture's three, each renamed (same length) and given its own uid. */
function syntheticBody(count: number): Buffer {
  const fixture = readFileSync(join(root, 'test/fixtures/protobuf/pods-page.pb'));
  const envelope = protobuf.Reader.create(fixture.subarray(4));
  let list: Uint8Array | undefined;
  while (envelope.pos < envelope.len) {
    const tag = envelope.uint32();
    if (tag === ((2 << 3) | 2)) list = envelope.bytes();
    else envelope.skipType(tag & 7);
  }
  const reader = protobuf.Reader.create(list!);
  const templates: Buffer[] = [];
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    if (tag === ((2 << 3) | 2)) templates.push(Buffer.from(reader.bytes()));
    else reader.skipType(tag & 7);
  }
  const identity = (pod: Buffer): { name: string; uid: string } => {
    const text = pod.toString('latin1');
    const name = /svc-\d+-[0-9a-z]+-\d{6}/.exec(text)?.[0];
    const uid = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/.exec(text)?.[0];
    if (name === undefined || uid === undefined) throw new Error('the fixture pod has no name or uid of the expected shape');
    return { name, uid };
  };
  const writer = protobuf.Writer.create();
  writer.uint32((1 << 3) | 2).fork().uint32((2 << 3) | 2).string('1').ldelim();
  for (let i = 0; i < count; i++) {
    const template = templates[i % templates.length]!;
    const { name, uid } = identity(template);
    const text = template
      .toString('latin1')
      .replaceAll(name, name.slice(0, -6) + String(i).padStart(6, '0'))
      .replaceAll(uid, uid.slice(0, -12) + String(i).padStart(12, '0'));
    writer.uint32((2 << 3) | 2).bytes(Buffer.from(text, 'latin1'));
  }
  const raw = writer.finish();
  const out = protobuf.Writer.create();
  out.uint32((1 << 3) | 2).fork().uint32((1 << 3) | 2).string('v1').uint32((2 << 3) | 2).string('PodList').ldelim();
  out.uint32((2 << 3) | 2).bytes(raw);
  return Buffer.concat([Buffer.from('k8s\u0000', 'latin1'), out.finish()]);
}

const checkouts = [values.root, ...(values['compare-root']?.split(',').filter((r) => r !== '') ?? [])];
const loaded = await Promise.all(checkouts.map(load));
const body = values.body === undefined ? syntheticBody(podCount) : readFileSync(values.body);
console.log(`body: ${body.length} bytes; chunks of ${chunkSize}; ${cpus().length} CPUs; load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);

const first = loaded.map((checkout) => checkout.collect(body));
for (let i = 1; i < first.length; i++) {
  if (first[i]!.pods !== first[0]!.pods || !isDeepStrictEqual(first[i]!.inventory, first[0]!.inventory)) {
    throw new Error(`${loaded[i]!.root} builds another inventory than ${loaded[0]!.root}`);
  }
}
console.log(`${first[0]!.pods} pods; the inventories are equal`);

const samples = loaded.map(() => ({ cpu: [] as number[], wall: [] as number[] }));
for (let round = 0; round < rounds; round++) {
  const order = round % 2 === 0 ? loaded.map((_, i) => i) : loaded.map((_, i) => loaded.length - 1 - i);
  for (const i of order) {
    gc();
    const cpu = process.cpuUsage();
    const wall = process.hrtime.bigint();
    loaded[i]!.collect(body);
    const used = process.cpuUsage(cpu);
    samples[i]!.wall.push(Number(process.hrtime.bigint() - wall) / 1e6);
    samples[i]!.cpu.push((used.user + used.system) / 1000);
  }
}
const median = (xs: number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};
console.log(`load after: ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
console.log('| checkout | CPU median (ms) | wall median (ms) | CPU per round (ms) | CPU / first |');
console.log('|---|---:|---:|---|---:|');
const base = median(samples[0]!.cpu);
for (const [i, checkout] of loaded.entries()) {
  const { cpu, wall } = samples[i]!;
  console.log(`| ${checkout.root} | ${median(cpu).toFixed(0)} | ${median(wall).toFixed(0)} | ${cpu.map((c) => c.toFixed(0)).join(', ')} | ${(median(cpu) / base).toFixed(2)}x |`);
}
