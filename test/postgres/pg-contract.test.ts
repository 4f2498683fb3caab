/**
 * The store contract suite (test/unit/store/contract/) run against the PostgreSQL store: a throwaway server
 * (test/support/postgres.ts), each test in a fresh database. A real server: run under the heavy-test lock.
 */
import { after } from 'node:test';
import { openStore } from '../../src/store/open.js';
import { fleetFiguresContract } from '../unit/store/contract/fleet-figures.js';
import type { StoreFactory } from '../unit/store/contract/factory.js';
import { notFoundContract } from '../unit/store/contract/not-found.js';
import { overlappingContract } from '../unit/store/contract/overlapping.js';
import { plansAndCyclesContract } from '../unit/store/contract/plans-cycles.js';
import { seriesContract } from '../unit/store/contract/series.js';
import { snapshotsContract } from '../unit/store/contract/snapshots.js';
import { writePathContract } from '../unit/store/contract/write-path.js';
import { freshDatabase, stopPostgres } from '../support/postgres.js';

after(() => stopPostgres());

const factory: StoreFactory = { name: 'postgres', open: async () => openStore({ file: await freshDatabase() }) };

snapshotsContract(factory);
seriesContract(factory);
plansAndCyclesContract(factory);
notFoundContract(factory);
writePathContract(factory);
overlappingContract(factory);
fleetFiguresContract(factory);
