import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { progressFor, silentProgress, terminalProgress } from '../../../src/collect/progress.js';

describe('terminalProgress', () => {
  it('redraws one line with objects per resource and the rate, at most once per interval', () => {
    const written: string[] = [];
    let clock = 0;
    const progress = terminalProgress({ write: (text) => written.push(text), now: () => clock, intervalMs: 200 });
    clock = 100;
    progress.read('nodes', 50);
    clock = 150;
    progress.read('namespaces', 10);
    clock = 500;
    progress.read('pods', 440);
    progress.finish();
    progress.finish();
    assert.deepEqual(written, [
      '\r\x1b[2Kcollect: 50 objects (nodes 50), 500 objects/s',
      '\r\x1b[2Kcollect: 500 objects (nodes 50, namespaces 10, pods 440), 1000 objects/s',
      '\r\x1b[2Kcollect: 500 objects (nodes 50, namespaces 10, pods 440), 1000 objects/s',
      '\n',
    ]);
  });

  it('resets a restarted list and says why', () => {
    const written: string[] = [];
    const progress = terminalProgress({ write: (text) => written.push(text), now: () => 1000, intervalMs: 0 });
    progress.read('pods', 500);
    progress.restart('pods');
    assert.deepEqual(written.slice(1), [
      '\r\x1b[2Kcollect: continue token for pods expired, listing pods again\n',
      '\r\x1b[2Kcollect: 0 objects (pods 0), 0 objects/s',
    ]);
  });
});

describe('progressFor', () => {
  it('is silent when stderr is not a terminal or with --quiet', () => {
    const tty = { isTTY: true, write: () => true } as unknown as NodeJS.WriteStream;
    const pipe = { isTTY: false, write: () => true } as unknown as NodeJS.WriteStream;
    assert.equal(progressFor(pipe, false), silentProgress);
    assert.equal(progressFor(tty, true), silentProgress);
    assert.notEqual(progressFor(tty, false), silentProgress);
  });
});
