import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NotFoundError } from '../../../../src/errors.js';
import type { ClusterFigures } from '../../../../src/fleet/fleet-view.js';
import { formatQuantity, type Quantity } from '../../../../src/quantity.js';
import { EAST, WEST } from '../../fleet/builders.js';
import { at } from '../builders.js';
import type { StoreFactory } from './factory.js';

/** The figures with every quantity as its canonical text. */
function asText(figures: ClusterFigures | null): unknown {
  if (figures === null) return null;
  const text = (row: object): Record<string, unknown> =>
    Object.fromEntries(Object.entries(row).map(([key, value]) => [key, typeof value === 'object' && value !== null && 'nanos' in value ? formatQuantity(value as Quantity) : value]));
  return { nodes: figures.nodes, resources: figures.resources.map(text), models: figures.models.map(text) };
}

/** The fleet view's figures kept with each snapshot (src/fleet/fleet-view.ts ClusterFigures), worked by hand. */
export function fleetFiguresContract(factory: StoreFactory): void {
  describe(`the fleet figures kept with a snapshot (${factory.name})`, () => {
    it("keeps each snapshot's node count, figures per resource and per model; an unknown snapshot is a NotFoundError", async () => {
      const store = await factory.open();
      const save = (name: string, inventory: ReturnType<typeof EAST>) =>
        store.saveSnapshot({ cluster: { name }, takenAt: at('2026-07-01T10:00:00Z'), source: { kind: 'file', ref: `${name}.json` }, inventory });
      const east = await save('east', EAST());
      const west = await save('west', WEST());
      // east: two H100 nodes of 8 (6 and 2 requested; the second cordoned, so only 8 plannable).
      assert.deepEqual(asText(await store.clusterFigures(east.id)), {
        nodes: 2,
        resources: [{ resource: 'nvidia.com/gpu', allocatable: '16', requested: '8', free: '8', plannable: '8' }],
        models: [{ model: 'H100', resource: 'nvidia.com/gpu', allocatable: '16', requested: '8', free: '8', plannable: '8', nodes: 2 }],
      });
      // west: an A100 node of 4 (all requested) and an H100 node of 8 (none), all plannable.
      assert.deepEqual(asText(await store.clusterFigures(west.id)), {
        nodes: 2,
        resources: [{ resource: 'nvidia.com/gpu', allocatable: '12', requested: '4', free: '8', plannable: '12' }],
        models: [
          { model: 'A100', resource: 'nvidia.com/gpu', allocatable: '4', requested: '4', free: '0', plannable: '4', nodes: 1 },
          { model: 'H100', resource: 'nvidia.com/gpu', allocatable: '8', requested: '0', free: '8', plannable: '8', nodes: 1 },
        ],
      });
      await assert.rejects(() => store.clusterFigures(99), (error: unknown) => error instanceof NotFoundError && error.message === 'no snapshot 99 in the database');
      await store.close();
    });
  });
}
