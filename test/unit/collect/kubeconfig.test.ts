import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { stringify } from 'yaml';
import { inClusterRootVariable, loadClusterTarget, serviceAccountTokenPath } from '../../../src/collect/kubeconfig.js';
import { ValidationError } from '../../../src/errors.js';

/** A kubeconfig with one cluster/user per context name. */
function kubeconfig(contexts: string[], current: string | undefined): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: contexts.map((name) => ({ name: `c-${name}`, cluster: { server: `https://${name}.example:6443/` } })),
    users: contexts.map((name) => ({ name: `u-${name}`, user: { token: `token-${name}` } })),
    contexts: contexts.map((name) => ({ name, context: { cluster: `c-${name}`, user: `u-${name}` } })),
    ...(current === undefined ? {} : { 'current-context': current }),
  });
}

describe('loadClusterTarget', () => {
  let dir: string;
  const file = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'quotaplan-kubeconfig-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('uses the current context of --kubeconfig, with the server URL without its trailing slash', () => {
    const path = file('two.yaml', kubeconfig(['prod', 'staging'], 'staging'));
    const target = loadClusterTarget({ kubeconfig: path, env: {} });
    assert.deepEqual({ context: target.context, server: target.server, source: target.source }, {
      context: 'staging',
      server: 'https://staging.example:6443',
      source: path,
    });
  });

  it('switches to the context named by --context', () => {
    const path = file('two-b.yaml', kubeconfig(['prod', 'staging'], 'staging'));
    assert.equal(loadClusterTarget({ kubeconfig: path, context: 'prod', env: {} }).server, 'https://prod.example:6443');
  });

  it('names the unknown context and lists the known ones', () => {
    const path = file('three.yaml', kubeconfig(['prod', 'dev', 'staging'], 'prod'));
    assert.throws(() => loadClusterTarget({ kubeconfig: path, context: 'qa', env: {} }), (error) => {
      assert.ok(error instanceof ValidationError);
      assert.equal(error.message, `unknown context "qa" in ${path}; known contexts: dev, prod, staging`);
      assert.deepEqual(error.where, { file: path, field: '--context', value: 'qa' });
      return true;
    });
  });

  it('names a kubeconfig file that does not exist', () => {
    const path = join(dir, 'missing.yaml');
    assert.throws(() => loadClusterTarget({ kubeconfig: path, env: {} }), {
      name: 'ValidationError',
      message: `kubeconfig file ${path} does not exist (from --kubeconfig)`,
    });
  });

  it('names a kubeconfig file that is not a kubeconfig', () => {
    const path = file('broken.yaml', 'clusters:\n  - cluster: {}\n');
    assert.throws(() => loadClusterTarget({ kubeconfig: path, env: {} }), {
      name: 'ValidationError',
      message: `kubeconfig file ${path} cannot be read: clusters[0].name is missing`,
    });
  });

  it('asks for --context when the file has no current context', () => {
    const path = file('no-current.yaml', kubeconfig(['b', 'a'], undefined));
    assert.throws(() => loadClusterTarget({ kubeconfig: path, env: {} }), {
      name: 'ValidationError',
      message: `${path} has no current context; pass --context, one of: a, b`,
    });
  });

  it('merges the files of $KUBECONFIG, the first current-context winning', () => {
    const first = file('first.yaml', kubeconfig(['prod'], 'prod'));
    const second = file('second.yaml', kubeconfig(['lab'], 'lab'));
    const target = loadClusterTarget({ env: { KUBECONFIG: [first, second].join(delimiter) } });
    assert.equal(target.context, 'prod');
    assert.equal(loadClusterTarget({ env: { KUBECONFIG: [first, second].join(delimiter) }, context: 'lab' }).server, 'https://lab.example:6443');
  });

  it('names the $KUBECONFIG entry that does not exist', () => {
    const missing = join(dir, 'nope.yaml');
    assert.throws(() => loadClusterTarget({ env: { KUBECONFIG: missing } }), {
      name: 'ValidationError',
      message: `kubeconfig file ${missing} does not exist (from KUBECONFIG)`,
    });
  });

  it('falls back to ~/.kube/config', () => {
    const home = join(dir, 'home');
    mkdirSync(join(home, '.kube'), { recursive: true });
    writeFileSync(join(home, '.kube', 'config'), kubeconfig(['home'], 'home'));
    assert.equal(loadClusterTarget({ env: {}, home }).context, 'home');
  });

  it('says how to point it at a cluster when there is no kubeconfig and no service account', () => {
    assert.throws(() => loadClusterTarget({ env: {}, home: join(dir, 'empty-home') }), {
      name: 'ValidationError',
      message:
        'no kubeconfig found: pass --kubeconfig FILE, set KUBECONFIG, create ~/.kube/config, or run in a pod with a service account',
    });
  });

  describe('--in-cluster', () => {
    /** A pod's service account files under `root`, as the kubelet mounts them under `/`. */
    function mountServiceAccount(root: string): void {
      const folder = join(root, serviceAccountTokenPath, '..');
      mkdirSync(folder, { recursive: true });
      writeFileSync(join(folder, 'token'), 'pod-token');
      writeFileSync(join(folder, 'ca.crt'), 'not read until a request is made');
      writeFileSync(join(folder, 'namespace'), 'quotaplan');
    }
    const service = { KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' };
    let saved: Record<string, string | undefined>;
    before(() => {
      // client-node's loadFromCluster reads the service host and port from process.env itself.
      saved = Object.fromEntries(Object.keys(service).map((name) => [name, process.env[name]]));
      Object.assign(process.env, service);
    });
    after(() => {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    });

    it('uses the service account under $QUOTAPLAN_IN_CLUSTER_ROOT even where $KUBECONFIG names a file', () => {
      const root = join(dir, 'pod-root');
      mountServiceAccount(root);
      const env = { ...service, KUBECONFIG: file('ignored.yaml', kubeconfig(['laptop'], 'laptop')), [inClusterRootVariable]: root };
      const target = loadClusterTarget({ env, inCluster: true });
      assert.deepEqual([target.source, target.context, target.server], ['in-cluster service account', 'inClusterContext', 'https://10.96.0.1:443']);
      assert.equal(target.config.getCurrentUser()?.authProvider?.config?.tokenFile, join(root, serviceAccountTokenPath));
    });

    it('names the token file that is missing', () => {
      const root = join(dir, 'no-token-root');
      assert.throws(() => loadClusterTarget({ env: { ...service, [inClusterRootVariable]: root }, inCluster: true }), {
        name: 'ValidationError',
        message: `--in-cluster: no service account token at ${root}${serviceAccountTokenPath} (is automountServiceAccountToken off?)`,
      });
    });

    it('says when the service host is not set, outside a pod', () => {
      assert.throws(() => loadClusterTarget({ env: {}, inCluster: true }), {
        name: 'ValidationError',
        message: '--in-cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set (not running in a pod?)',
      });
    });
  });
});
