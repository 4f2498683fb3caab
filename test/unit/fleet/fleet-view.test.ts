import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fleetViewToJson } from '../../../src/fleet/fleet-json.js';
import { clusterPart, fleetViewOf } from '../../../src/fleet/fleet-view.js';
import { fleetTable } from '../../../src/emit/fleet-table.js';
import { EAST, eastWestFleetJson, WEST } from './builders.js';

const EAST_AT = new Date('2026-07-01T10:00:00Z');
const WEST_AT = new Date('2026-07-01T11:00:00Z');

function fleet() {
  // Given out of name order: the view sorts.
  return fleetViewOf([
    clusterPart({ cluster: 'west', snapshotId: 7, takenAt: WEST_AT, inventory: WEST() }),
    clusterPart({ cluster: 'east', snapshotId: 3, takenAt: EAST_AT, inventory: EAST() }),
  ]);
}

describe('the fleet view', () => {
  it('sums each cluster, each model across clusters and the fleet, exactly', () => {
    assert.deepEqual(
      fleetViewToJson(fleet()),
      eastWestFleetJson({ east: 3, west: 7 }, { east: '2026-07-01T10:00:00.000Z', west: '2026-07-01T11:00:00.000Z' }),
    );
  });

  it('prints the same figures as tables', () => {
    assert.equal(
      fleetTable(fleet()),
      [
        'CLUSTERS (newest snapshot of each)',
        'CLUSTER  SNAPSHOT  TAKEN AT                  NODES  RESOURCE        ALLOCATABLE  REQUESTED  FREE  PLANNABLE',
        'east     3         2026-07-01T10:00:00.000Z  2      nvidia.com/gpu  16           8          8     8',
        'west     7         2026-07-01T11:00:00.000Z  2      nvidia.com/gpu  12           4          8     12',
        '',
        'MODELS',
        'MODEL  RESOURCE        ALLOCATABLE  REQUESTED  FREE  PLANNABLE  NODES  CLUSTERS',
        'A100   nvidia.com/gpu  4            4          0     4          1      west',
        'H100   nvidia.com/gpu  24           8          16    16         3      east,west',
        '',
        'FLEET',
        'RESOURCE        ALLOCATABLE  REQUESTED  FREE  PLANNABLE  CLUSTERS',
        'nvidia.com/gpu  28           12         16    20         2',
        '',
      ].join('\n'),
    );
  });

  it('escapes cluster names from the store in its tables', () => {
    const table = fleetTable(fleetViewOf([clusterPart({ cluster: 'evil\u001b[31m', snapshotId: 1, takenAt: EAST_AT, inventory: EAST() })]));
    assert.equal(table.includes('\u001b'), false);
    assert.match(table, /evil\\u001b\[31m/);
  });

  it('says so when no cluster has a snapshot', () => {
    assert.equal(fleetTable(fleetViewOf([])), 'no snapshots\n');
    assert.deepEqual(fleetViewToJson(fleetViewOf([])), { clusters: [], models: [], totals: [] });
  });
});
