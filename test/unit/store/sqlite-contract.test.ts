/** The store contract suite (test/unit/store/contract/) run against the SQLite store, in memory and on a file. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { openStore } from '../../../src/store/open.js';
import { fleetFiguresContract } from './contract/fleet-figures.js';
import type { StoreFactory } from './contract/factory.js';
import { notFoundContract } from './contract/not-found.js';
import { overlappingContract } from './contract/overlapping.js';
import { plansAndCyclesContract } from './contract/plans-cycles.js';
import { seriesContract } from './contract/series.js';
import { snapshotsContract } from './contract/snapshots.js';
import { writePathContract } from './contract/write-path.js';

const dir = mkdtempSync(join(tmpdir(), 'quotaplan-contract-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

const factories: StoreFactory[] = [
  { name: 'sqlite :memory:', open: () => openStore({ file: ':memory:' }) },
  { name: 'sqlite file', open: () => openStore({ file: join(dir, `store-${(files += 1)}.db`) }) },
];

for (const factory of factories) {
  snapshotsContract(factory);
  seriesContract(factory);
  plansAndCyclesContract(factory);
  notFoundContract(factory);
  writePathContract(factory);
  overlappingContract(factory);
  fleetFiguresContract(factory);
}
