import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ValidationError } from '../../../src/errors.js';
import { isSafeFileName, resolveOutPath } from '../../../src/files/out-path.js';

describe('resolveOutPath', () => {
  it('joins a relative path of safe names under the folder', () => {
    assert.equal(resolveOutPath({ out: '/repo', path: 'clusters/prod-eu/namespaces/team-a/resourcequota.yaml' }), '/repo/clusters/prod-eu/namespaces/team-a/resourcequota.yaml');
    assert.equal(resolveOutPath({ out: '/repo/', path: 'team-a.resourcequota.yaml' }), '/repo/team-a.resourcequota.yaml');
  });

  it('refuses every path with a segment that is not a safe file name, whether or not it would leave the folder', () => {
    const refused = [
      '../victim/config.yaml',
      'profiles/../../../../victim/config.yaml',
      'clusters/prod/../../x.yaml',
      '/etc/passwd',
      'a//b.yaml',
      './a.yaml',
      'a/.',
      '..',
      '',
      'profiles/.git.yaml',
      'namespaces/.ssh/authorized_keys',
      'namespaces/-rf/resourcequota.yaml',
      'namespaces/a b/resourcequota.yaml',
      'namespaces/a\\..\\b/resourcequota.yaml',
      'namespaces/a\u0000/resourcequota.yaml',
      'namespaces/\u001b[2J/resourcequota.yaml',
      'namespaces/équipe/resourcequota.yaml',
      `profiles/${'a'.repeat(251)}.yaml`,
    ];
    for (const path of refused) {
      assert.throws(
        () => resolveOutPath({ out: '/repo', path }),
        (error: unknown) => error instanceof ValidationError && error.where.field === '--out' && error.where.value === path,
        JSON.stringify(path),
      );
    }
  });

  it('names the path, the folder and the segment it refuses', () => {
    assert.throws(() => resolveOutPath({ out: '/repo', path: 'profiles/../../x.yaml' }), {
      message:
        'refusing to write "profiles/../../x.yaml" under "/repo": ".." is not a safe file name ' +
        '(letters, digits, ".", "_" and "-" only, not starting with "." or "-", at most 255 bytes)',
    });
  });

  it('refuses a relative output folder (callers resolve it first)', () => {
    assert.throws(() => resolveOutPath({ out: 'repo', path: 'a.yaml' }), ValidationError);
  });
});

describe('isSafeFileName', () => {
  it('takes every kind of valid Kubernetes name and the longest file name', () => {
    for (const name of ['team-a', 'a', '0', 'nvidia-h100-80gb-hbm3', 'prod.example.com', 'kf_user', 'arn-aws-eks-eu-west-1-cluster-prod', 'a'.repeat(255)]) {
      assert.equal(isSafeFileName(name), true, name);
    }
  });
});
