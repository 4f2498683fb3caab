/** The pure parts of reading dcgm-exporter series: flags at the edge, the PromQL sent, sample text, MIG shares. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { dcgmQueries, gpuShareOf, parseLabelName, parseSelector, sampleValue } from '../../../src/collect/prometheus/dcgm.js';
import { parsePrometheusUrl, PrometheusError, readPrometheusCredentials } from '../../../src/collect/prometheus/client.js';
import { parseDuration } from '../../../src/commands/prometheus-options.js';
import { ValidationError } from '../../../src/errors.js';
import { rational } from '../../../src/rational.js';

describe('dcgm-exporter queries', () => {
  it('aggregates server-side, engine-active first, GPU_UTIL / 100 where it is missing, held devices only (pod labels, else DRA claim labels)', () => {
    const q = dcgmQueries({ stepSeconds: 3600, labels: { namespace: 'exported_namespace', pod: 'exported_pod' }, selector: 'cluster="prod"', idleBelow: rational(1n, 20n) });
    const held = (fn: string, metric: string): string =>
      `(${fn}(${metric}{exported_namespace!="",exported_pod!="",cluster="prod"}[3600s]) or ` +
      `label_replace(label_replace(${fn}(${metric}{exported_namespace="",dra_claim_namespace!="",cluster="prod"}[3600s]), ` +
      '"exported_namespace", "$1", "dra_claim_namespace", "(.+)"), "exported_pod", "resourceclaim/$1", "dra_claim_name", "(.+)"))';
    const activity = `(${held('avg_over_time', 'DCGM_FI_PROF_GR_ENGINE_ACTIVE')} or ${held('avg_over_time', 'DCGM_FI_DEV_GPU_UTIL')} / 100)`;
    const device = 'exported_namespace,exported_pod,modelName,GPU_I_PROFILE,Hostname,UUID,GPU_I_ID';
    assert.deepEqual(q, {
      busy: `sum by (exported_namespace,modelName,GPU_I_PROFILE) ${activity}`,
      allocated: `count by (exported_namespace,modelName,GPU_I_PROFILE) ${activity}`,
      idle: `count by (${device}) (${activity} < 0.05)`,
      present: 'count((avg_over_time(DCGM_FI_PROF_GR_ENGINE_ACTIVE{cluster="prod"}[3600s]) or avg_over_time(DCGM_FI_DEV_GPU_UTIL{cluster="prod"}[3600s]) / 100))',
      memory: `sum by (exported_namespace) ${held('avg_over_time', 'DCGM_FI_DEV_FB_USED')}`,
      memoryDevices: `count by (exported_namespace) ${held('avg_over_time', 'DCGM_FI_DEV_FB_USED')}`,
      memoryPeak: `max by (exported_namespace) ${held('max_over_time', 'DCGM_FI_DEV_FB_USED')}`,
      idleMemory: `avg by (${device}) (${held('avg_over_time', 'DCGM_FI_DEV_FB_USED')} and on (${device}) (${activity} < 0.05))`,
      idleMemoryPeak: `max by (${device}) (${held('max_over_time', 'DCGM_FI_DEV_FB_USED')} and on (${device}) (${activity} < 0.05))`,
    });
  });

  it('a MIG instance is <N>g of 7 compute slices (4 on an A30); a whole GPU is 1', () => {
    assert.deepEqual(gpuShareOf('NVIDIA A100-SXM4-80GB', '3g.40gb'), rational(3n, 7n));
    assert.deepEqual(gpuShareOf('NVIDIA A30', '1g.6gb'), rational(1n, 4n));
    assert.deepEqual(gpuShareOf('NVIDIA H100 80GB HBM3', ''), rational(1n));
  });

  it('sample text becomes an exact rational; NaN and infinities are refused', () => {
    assert.deepEqual(sampleValue('0.35', 'q'), rational(7n, 20n));
    assert.deepEqual(sampleValue('1e-05', 'q'), rational(1n, 100_000n));
    assert.deepEqual(sampleValue('0.30000000000000004', 'q'), rational(7_500_000_000_000_001n, 25_000_000_000_000_000n));
    assert.throws(() => sampleValue('NaN', 'q'), (error: unknown) => error instanceof PrometheusError && error.message === 'q: the value "NaN" is not a finite number');
    assert.throws(() => sampleValue('+Inf', 'q'), PrometheusError);
  });
});

describe('--prometheus flags', () => {
  it('selectors are label matchers, with or without braces', () => {
    assert.equal(parseSelector('{cluster="prod", env=~"a|b"}'), 'cluster="prod",env=~"a|b"');
    assert.equal(parseSelector('job!="x,y"'), 'job!="x,y"');
    assert.equal(parseSelector(''), '');
    assert.throws(() => parseSelector('cluster=prod'), (error: unknown) => error instanceof ValidationError && error.message === '--prometheus-selector: "cluster=prod" is not a label matcher such as cluster="prod"');
    assert.throws(() => parseSelector('a="1"} or vector(1) or {b="2"'), ValidationError);
  });

  it('label names, URLs and durations are checked at the edge', () => {
    assert.equal(parseLabelName('exported_namespace', '--prometheus-namespace-label'), 'exported_namespace');
    assert.throws(() => parseLabelName('exported-namespace', '--prometheus-namespace-label'), ValidationError);
    assert.equal(parsePrometheusUrl('https://thanos.example/prefix/').pathname, '/prefix/');
    assert.throws(() => parsePrometheusUrl('prometheus:9090'), /is not an http or https URL/);
    assert.throws(() => parsePrometheusUrl('http://user:pw@prometheus:9090'), /--prometheus-password-file \(or --prometheus-token-file\), not in the URL/);
    assert.deepEqual(['1h', '15m', '300', '2d'].map((d) => parseDuration(d, '--x')), [3600, 900, 300, 172_800]);
    assert.throws(() => parseDuration('1.5h', '--prometheus-step'), /--prometheus-step: "1.5h" is not a duration/);
  });
});

describe('Prometheus credentials', () => {
  it('basic auth: the user and the password file`s first line (its line end dropped); one way to authenticate at a time', () => {
    const dir = mkdtempSync(join(tmpdir(), 'quotaplan-prometheus-credentials-'));
    try {
      const file = join(dir, 'password');
      writeFileSync(file, ' pass word \r\n');
      assert.deepEqual(readPrometheusCredentials({ user: 'quotaplan', passwordFile: file }), { token: undefined, basicAuth: { username: 'quotaplan', password: ' pass word ' }, ca: undefined });
      assert.throws(() => readPrometheusCredentials({ user: 'a:b', passwordFile: file }), (error: unknown) => error instanceof ValidationError && error.message === '--prometheus-user: "a:b" is not a user name (empty, or holds a ":")');
      assert.throws(() => readPrometheusCredentials({ passwordFile: file }), /--prometheus-user and --prometheus-password-file: give both or neither/);
      assert.throws(() => readPrometheusCredentials({ user: 'quotaplan', passwordFile: file, tokenFile: file }), /give one way to authenticate/);
      assert.throws(() => readPrometheusCredentials({ user: 'quotaplan', passwordFile: join(dir, 'missing') }), /missing: cannot read --prometheus-password-file: no such file/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
