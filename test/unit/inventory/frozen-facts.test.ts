/**
 * What a watch's snapshots share (src/inventory/frozen-facts.ts): an unchanged node or namespace is the very object
 * of the last snapshot, frozen all the way down, so the store can recognise it by identity (store/slot-memo.ts).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { freezeFacts, sameFacts } from '../../../src/inventory/frozen-facts.js';
import { LiveInventory } from '../../../src/inventory/live-inventory.js';
import { parseQuantity } from '../../../src/quantity.js';
import { aNode, aPod } from '../../builders/kube.js';

describe('a snapshot of a LiveInventory', () => {
  it('hands out a node or namespace that did not change as the same frozen object, and a changed one as a new one', () => {
    const live = new LiveInventory();
    for (const name of ['n1', 'n2']) live.upsert(aNode(name).withCapacity({ cpu: '8', 'nvidia.com/gpu': '2' }).parsed());
    live.upsert(aPod('team-a', 'p1').onNode('n1').container({ cpu: '1' }).parsed());
    live.upsert(aPod('team-b', 'p2').onNode('n2').container({ cpu: '2', 'nvidia.com/gpu': '1' }).parsed());
    const first = live.snapshot();
    live.upsert(aPod('team-a', 'p3').onNode('n1').container({ cpu: '500m' }).parsed());
    const second = live.snapshot();
    const byName = <T extends { name: string }>(list: readonly T[], name: string): T => list.find((item) => item.name === name) as T;
    assert.deepEqual(
      [
        byName(second.nodes, 'n1') === byName(first.nodes, 'n1'),
        byName(second.nodes, 'n2') === byName(first.nodes, 'n2'),
        byName(second.namespaces, 'team-a') === byName(first.namespaces, 'team-a'),
        byName(second.namespaces, 'team-b') === byName(first.namespaces, 'team-b'),
      ],
      [false, true, false, true],
    );
    const n1 = byName(second.nodes, 'n1');
    assert.deepEqual([Object.isFrozen(n1), Object.isFrozen(n1.requested), Object.isFrozen(n1.labels), Object.isFrozen(n1.accelerators[0])], [true, true, true, true]);
    assert.equal(n1.requested.cpu?.nanos, 1_500_000_000n);
  });
});

describe('freezeFacts', () => {
  it('freezes plain objects and arrays all the way down, and nothing above a part it cannot freeze through', () => {
    const facts = { name: 'n1', labels: { zone: 'a' }, list: [{ cpu: parseQuantity('1') }] };
    assert.equal(freezeFacts(facts), true);
    assert.deepEqual([Object.isFrozen(facts), Object.isFrozen(facts.labels), Object.isFrozen(facts.list), Object.isFrozen(facts.list[0])], [true, true, true, true]);
    const holdingAMap = { name: 'n2', labels: { zone: 'b' }, byKey: new Map([['a', 1]]) };
    assert.equal(freezeFacts(holdingAMap), false);
    assert.deepEqual([Object.isFrozen(holdingAMap), Object.isFrozen(holdingAMap.labels)], [false, true]);
  });
});

describe('sameFacts', () => {
  it('holds values equal as the store writes them: key order and -0 count, a Map only as itself', () => {
    const shared = { zone: 'a' };
    assert.equal(sameFacts({ a: 1, labels: shared, list: [1, 2] }, { a: 1, labels: shared, list: [1, 2] }), true);
    assert.equal(sameFacts({ a: 1, b: 2 }, { b: 2, a: 1 }), false);
    assert.equal(sameFacts({ a: 0 }, { a: -0 }), false);
    assert.equal(sameFacts({ q: parseQuantity('1Gi') }, { q: parseQuantity('1Gi') }), true);
    assert.equal(sameFacts({ q: parseQuantity('1Gi') }, { q: parseQuantity('1073741824') }), false);
    assert.equal(sameFacts(new Map([['a', 1]]), new Map([['a', 2]])), false);
  });
});
