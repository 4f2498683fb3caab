import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';
import { after, describe, it } from 'node:test';
import { runServe } from '../../src/commands/serve.js';
import { ValidationError } from '../../src/errors.js';
import { openStore } from '../../src/store/open.js';

const dir = mkdtempSync(join(tmpdir(), 'quotaplan-serve-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('quotaplan serve', () => {
  it('refuses to serve beyond loopback without a token or proxy header', async () => {
    await assert.rejects(
      runServe({ host: '0.0.0.0', port: 0, db: join(dir, 'none.db') }, { signal: Promise.resolve() }),
      (error: unknown) => error instanceof ValidationError && error.where.field === '--host',
    );
    await assert.rejects(
      runServe({ host: '0.0.0.0', port: 0, db: join(dir, 'none.db'), token: 'short' }, { signal: Promise.resolve() }),
      (error: unknown) => error instanceof ValidationError && error.where.field === '--token',
    );
  });

  it('serves a database on loopback, answers only loopback host names, and stops on the signal', async () => {
    const db = join(dir, 'served.db');
    (await openStore({ file: db })).close();
    let stop: () => void = () => {};
    const signal = new Promise<void>((resolve) => {
      stop = resolve;
    });
    let url = '';
    const listening = new Promise<void>((resolve) => {
      void runServe({ host: '127.0.0.1', port: 0, db }, { signal, onListening: (u) => { url = u; resolve(); } }).catch(() => {});
    });
    await listening;
    try {
      const meta = await fetch(`${url}/api/meta`);
      assert.deepEqual(await meta.json(), { version: '0.1.0', clusters: [], cluster: null, writers: [], readersNeedAuth: false });
      // fetch() sets Host from the URL; node:http sends the name a rebinding attacker's page would.
      const rebound = await new Promise<number>((resolve, reject) => {
        const req = request(`${url}/api/meta`, { headers: { Host: 'attacker.example' } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
      assert.equal(rebound, 403);
      const save = await fetch(`${url}/api/plans`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
      assert.equal(save.status, 403, 'read-only without --token');
    } finally {
      stop();
    }
  });
});
