import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { dumpObjects } from '../../../src/collect/dump.js';
import { demoCluster } from '../../../src/demo/cluster.js';
import { InventoryBuilder } from '../../../src/inventory/builder.js';
import { LiveInventory } from '../../../src/inventory/live-inventory.js';
import type { KubeObject } from '../../../src/kinds/registry.js';
import { aNode, aPod } from '../../builders/kube.js';

/** Every bundled cluster: the dumps under test/fixtures (the mixed-GPU cluster, the node shapes, DRA) and the demo cluster. */
function bundledClusters(): { name: string; objects: KubeObject[] }[] {
  const fixtures = new URL('../../fixtures/', import.meta.url);
  const nodes = new URL('nodes/', fixtures);
  const files = [
    new URL('cluster-mixed-gpu.json', fixtures),
    ...readdirSync(nodes)
      .sort()
      .map((name) => new URL(name, nodes)),
  ];
  const clusters = files.map((file) => ({ name: file.pathname.split('/fixtures/')[1] as string, objects: [...dumpObjects(readFileSync(file, 'utf8'), { file: file.pathname })] }));
  // The DRA fixture holds DRA objects only: with the nodes its slices name (one of them device-plugin too).
  const dra = new URL('dra/nvidia-cluster.json', fixtures);
  clusters.push({
    name: 'dra/nvidia-cluster.json and its nodes',
    objects: [
      aNode('dra-h100-0').withCapacity({ cpu: '64', 'nvidia.com/gpu': '2' }).parsed(),
      aNode('dra-h100-1').withCapacity({ cpu: '64' }).parsed(),
      aNode('dra-h100-2').withCapacity({ cpu: '64' }).parsed(),
      ...dumpObjects(readFileSync(dra, 'utf8'), { file: dra.pathname }),
    ],
  });
  for (const hour of [0, 13, 40]) {
    clusters.push({ name: `demo cluster, hour ${hour} of 48`, objects: [...dumpObjects(JSON.stringify(demoCluster({ hour, hours: 48 })))] });
  }
  return clusters;
}

/** A deterministic shuffle (a fixed seed per run: the same order each time the test runs). */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** The same object with a different labels map, and for a pod another node: an update that must not stick. */
function changed(object: KubeObject): KubeObject {
  const labels = { ...object.metadata.labels, 'quotaplan.test/changed': 'yes' };
  if (object.kind === 'Pod') return { ...object, metadata: { ...object.metadata, labels }, spec: { ...object.spec, nodeName: 'moved-away' } };
  return { ...object, metadata: { ...object.metadata, labels } } as KubeObject;
}

/** The same object under another name: added, then removed. */
function renamed(object: KubeObject): KubeObject {
  return { ...object, metadata: { ...object.metadata, name: `${object.metadata.name}-gone` } } as KubeObject;
}

type Event = { upsert: KubeObject } | { remove: KubeObject };

/**
 * Events that end in `objects`: each object added, some twice, some first as a changed version, some removed and
 * added again; and objects that are added (some then ended, as a pod that succeeded) and removed. The events of
 * one object keep their order; those of different objects are interleaved at random.
 */
function eventsEndingIn(objects: KubeObject[], next: () => number): Event[] {
  const perObject: Event[][] = objects.map((object, i) => {
    switch (i % 6) {
      case 1:
        return [{ upsert: object }, { upsert: object }];
      case 2:
        return [{ upsert: changed(object) }, { upsert: object }];
      case 3:
        return [{ upsert: object }, { remove: object }, { upsert: object }];
      case 4: {
        const gone = renamed(object);
        const ended: Event[] = gone.kind === 'Pod' ? [{ upsert: { ...gone, status: { ...gone.status, phase: 'Succeeded' } } }] : [];
        return [{ upsert: object }, { upsert: gone }, ...ended, { remove: gone }];
      }
      default:
        return [{ upsert: object }];
    }
  });
  const events: Event[] = [];
  const pending = perObject.filter((list) => list.length > 0);
  while (pending.length > 0) {
    const at = Math.floor(next() * pending.length);
    const list = pending[at] as Event[];
    events.push(list.shift() as Event);
    if (list.length === 0) pending.splice(at, 1);
  }
  return events;
}

function apply(live: LiveInventory, event: Event): void {
  if ('upsert' in event) live.upsert(event.upsert);
  else live.remove(event.remove);
}

describe('LiveInventory.snapshot() equals the InventoryBuilder on every bundled cluster', () => {
  for (const cluster of bundledClusters()) {
    it(`${cluster.name}: ${cluster.objects.length} objects, in 3 shuffled orders with updates, repeats and removals`, () => {
      const builder = new InventoryBuilder();
      for (const object of cluster.objects) builder.add(object);
      const expected = builder.build();
      assert.ok(expected.nodes.length > 0);
      for (const seed of [1, 2, 3]) {
        const live = new LiveInventory();
        const events = eventsEndingIn(cluster.objects, random(seed));
        // A snapshot half-way: the next one sums again only what changed since.
        events.slice(0, events.length / 2).forEach((event) => apply(live, event));
        live.snapshot();
        events.slice(events.length / 2).forEach((event) => apply(live, event));
        assert.deepStrictEqual(live.snapshot(), expected);
      }
    });
  }
});

describe('LiveInventory', () => {
  it('takes back what a removed pod added to its namespace and node, and forgets a namespace left without pods', () => {
    const live = new LiveInventory();
    const node = aNode('n1').withCapacity({ cpu: '8', 'nvidia.com/gpu': '2' }).parsed();
    const first = aPod('team-a', 'p1').onNode('n1').container({ cpu: '1', 'nvidia.com/gpu': '1' }).parsed();
    const second = aPod('team-a', 'p2').onNode('n1').container({ cpu: '500m' }).parsed();
    for (const object of [node, first, second]) live.upsert(object);
    const both = live.snapshot();
    assert.deepEqual(
      [both.nodes[0]?.pods, both.namespaces.map((ns) => [ns.name, ns.pods])],
      [2, [['team-a', 2]]],
    );
    live.remove(first);
    const one = live.snapshot();
    const builder = new InventoryBuilder();
    for (const object of [node, second]) builder.add(object);
    assert.deepStrictEqual(one, builder.build());
    live.remove(second);
    live.upsert({ ...second, status: { ...second.status, phase: 'Failed' } });
    const none = live.snapshot();
    assert.deepEqual([none.nodes[0]?.pods, none.nodes[0]?.requested, none.namespaces], [0, {}, []]);
  });

  it('replaces an object updated under the same key, and removing an unknown one changes nothing', () => {
    const live = new LiveInventory();
    live.upsert(aNode('n1').withCapacity({ cpu: '8' }).parsed());
    live.upsert(aNode('n1').withCapacity({ cpu: '16' }).parsed());
    live.remove(aNode('n2').parsed());
    const snapshot = live.snapshot();
    assert.deepEqual(snapshot.nodes.map((n) => [n.name, n.capacity.cpu?.nanos]), [['n1', 16_000_000_000n]]);
    assert.deepEqual(snapshot.warnings, []);
  });

  it('lists the keys of a kind and removes by key, as a re-list that no longer sees an object does', () => {
    const live = new LiveInventory();
    const node = aNode('n1').withCapacity({ cpu: '8' }).parsed();
    const kept = aPod('team-a', 'p1').onNode('n1').container({ cpu: '1' }).parsed();
    const gone = aPod('team-b', 'p2').onNode('n1').container({ cpu: '2' }).parsed();
    for (const object of [node, kept, gone]) live.upsert(object);
    assert.deepEqual([live.keysOf('Pod').sort(), live.keysOf('Node')], [['team-a/p1', 'team-b/p2'], ['n1']]);
    live.removeKey('Pod', 'team-b/p2');
    live.removeKey('Pod', 'team-c/unknown');
    const builder = new InventoryBuilder();
    for (const object of [node, kept]) builder.add(object);
    assert.deepStrictEqual(live.snapshot(), builder.build());
    assert.deepEqual(live.keysOf('Pod'), ['team-a/p1']);
  });
});
