/**
 * Child process for interrupted.test.ts: starts saving a snapshot and stops for good inside the transaction
 * (after the snapshot row is written), telling the parent on stdout so it can kill this process there.
 */
import { SqliteStore } from '../../../../src/store/sqlite/sqlite-store.js';
import { at, inventory, namespace, node } from '../builders.js';

const file = process.argv[2];
if (file === undefined) throw new Error('usage: interrupted-writer.ts DB');
const store = SqliteStore.open({ file });
const stuck = namespace('stuck', { cpu: '1' }, 1);
// saveSnapshot reads a namespace's labels when it writes the namespaces, after the blobs and the snapshot row.
Object.defineProperty(stuck, 'labels', {
  enumerable: true,
  get(): Record<string, string> {
    process.stdout.write('inside the transaction\n');
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
    return {};
  },
});
const nodes = Array.from({ length: 200 }, (_, i) => node(`new-node-${i}`, { requested: { cpu: String(i) }, pods: i }));
await store.saveSnapshot({
  cluster: { name: 'prod' },
  takenAt: at('2026-10-01T01:00:00Z'),
  source: { kind: 'live', ref: 'prod' },
  inventory: inventory({ nodes, namespaces: [stuck] }),
});
