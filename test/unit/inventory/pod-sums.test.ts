/**
 * The sums a watch keeps pod by pod (src/inventory/pod-sums.ts) against a fresh fold: after random pod events, each
 * snapshot of a LiveInventory equals what the InventoryBuilder gives for the same pods listed in key order, and is
 * stored as the same text: formats and resource order included (Go's Add keeps the first operand's format: `1Gi` then `1000M` sums in BinarySI, the
 * other way round in DecimalSI).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InventoryBuilder } from '../../../src/inventory/builder.js';
import { LiveInventory } from '../../../src/inventory/live-inventory.js';
import type { KubeObject } from '../../../src/kinds/registry.js';
import { encodeValue } from '../../../src/store/codec.js';
import { compareText } from '../../../src/text-order.js';
import { aNode, aPod } from '../../builders/kube.js';

/** A deterministic sequence (a fixed seed per case: the same events each run). */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** Amounts in each of the formats a request is written in; `zeros` adds explicit zero requests. */
function amounts(zeros: boolean): Record<string, string[]> {
  return {
    cpu: ['1', '500m', '2', '250m', ...(zeros ? ['0'] : [])],
    memory: ['1Gi', '1000M', '512Mi', '1e9', '3G', ...(zeros ? ['0', '0Mi'] : [])],
    'nvidia.com/gpu': ['1', '2'],
    'example.com/widget': ['1k', '1Ki', '2'],
  };
}

const nodes = ['n1', 'n2', 'n3'];
const namespaces = ['team-a', 'team-b'];

/** A pod with some of the resources, in a random order, each in a random format; on a node or pending. */
function randomPod(next: () => number, namespace: string, name: string, zeros: boolean): KubeObject {
  const choices = amounts(zeros);
  const names = Object.keys(choices).filter(() => next() < 0.6);
  names.sort(() => next() - 0.5);
  const requests: Record<string, string> = {};
  for (const resource of names) {
    const options = choices[resource] as string[];
    requests[resource] = options[Math.floor(next() * options.length)] as string;
  }
  const pod = aPod(namespace, name).container(requests);
  const node = Math.floor(next() * (nodes.length + 1));
  return (node < nodes.length ? pod.onNode(nodes[node] as string) : pod).parsed();
}

function freshFold(objects: ReadonlyMap<string, KubeObject>): ReturnType<InventoryBuilder['build']> {
  const builder = new InventoryBuilder();
  for (const node of nodes) builder.add(aNode(node).withCapacity({ cpu: '64', memory: '512Gi', 'nvidia.com/gpu': '8' }).parsed());
  // Pods in key order, as the API server lists them.
  for (const key of [...objects.keys()].sort(compareText)) builder.add(objects.get(key) as KubeObject);
  return builder.build();
}

describe('sums kept pod by pod', () => {
  for (const zeros of [false, true]) {
    it(`equal a fresh fold in key order at every snapshot, formats and resource order included${zeros ? ', with explicit zero requests (folded in order)' : ''}`, () => {
      for (const seed of [1, 2, 3, 4]) {
        const next = random(seed);
        const live = new LiveInventory();
        for (const node of nodes) live.upsert(aNode(node).withCapacity({ cpu: '64', memory: '512Gi', 'nvidia.com/gpu': '8' }).parsed());
        const held = new Map<string, KubeObject>();
        let snapshots = 0;
        for (let event = 1; event <= 600; event++) {
          const namespace = namespaces[Math.floor(next() * namespaces.length)] as string;
          const name = `p${Math.floor(next() * 25)}`;
          const key = `${namespace}/${name}`;
          if (held.has(key) && next() < 0.4) {
            live.remove(held.get(key) as KubeObject);
            held.delete(key);
          } else {
            const pod = randomPod(next, namespace, name, zeros);
            live.upsert(pod);
            held.set(key, pod);
          }
          if (event % 20 === 0) {
            const [snapshot, fresh] = [live.snapshot(), freshFold(held)];
            assert.deepStrictEqual(snapshot, fresh, `seed ${seed}, after event ${event}`);
            // The store's text too: it follows each list's key order, which deepStrictEqual does not compare.
            assert.equal(encodeValue(snapshot), encodeValue(fresh), `seed ${seed}, after event ${event}`);
            snapshots++;
          }
        }
        assert.equal(snapshots, 30);
      }
    });
  }

  it('keep the format of the first pod in key order when that pod leaves: the next one gives it', () => {
    const live = new LiveInventory();
    live.upsert(aNode('n1').withCapacity({ memory: '512Gi' }).parsed());
    const first = aPod('team-a', 'a').onNode('n1').container({ memory: '1Gi' }).parsed();
    const second = aPod('team-a', 'b').onNode('n1').container({ memory: '1000M' }).parsed();
    live.upsert(second);
    live.upsert(first);
    const both = live.snapshot();
    assert.deepEqual([both.namespaces[0]?.requests.memory, both.nodes[0]?.requested.memory], [
      { nanos: 2_073_741_824_000_000_000n, format: 'BinarySI' },
      { nanos: 2_073_741_824_000_000_000n, format: 'BinarySI' },
    ]);
    live.remove(first);
    const one = live.snapshot();
    assert.deepEqual([one.namespaces[0]?.requests.memory, one.nodes[0]?.requested.memory], [
      { nanos: 1_000_000_000_000_000_000n, format: 'DecimalSI' },
      { nanos: 1_000_000_000_000_000_000n, format: 'DecimalSI' },
    ]);
  });
});
