import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isExtendedResource, limitsKeyOf, requestsKeyOf, unenforcedReason } from '../../../src/emit/quota-keys.js';

describe('quota keys', () => {
  it('writes extended resources, cpu and memory as requests.<name>', () => {
    assert.equal(requestsKeyOf('nvidia.com/gpu'), 'requests.nvidia.com/gpu');
    assert.equal(requestsKeyOf('nvidia.com/mig-1g.10gb'), 'requests.nvidia.com/mig-1g.10gb');
    assert.equal(requestsKeyOf('cpu'), 'requests.cpu');
    assert.equal(requestsKeyOf('memory'), 'requests.memory');
  });

  it('keeps object counts and DRA device-class keys as they are', () => {
    assert.equal(requestsKeyOf('pods'), 'pods');
    assert.equal(requestsKeyOf('gpu.nvidia.com.deviceclass.resource.k8s.io/devices'), 'gpu.nvidia.com.deviceclass.resource.k8s.io/devices');
  });

  it('has limits keys only for compute resources, never for extended ones', () => {
    assert.equal(limitsKeyOf('cpu'), 'limits.cpu');
    assert.equal(limitsKeyOf('nvidia.com/gpu'), null);
  });

  it('recognises extended resource names', () => {
    assert.equal(isExtendedResource('nvidia.com/gpu'), true);
    assert.equal(isExtendedResource('cpu'), false);
    assert.equal(isExtendedResource('requests.nvidia.com/gpu'), false);
    assert.equal(isExtendedResource('kubernetes.io/batch'), false);
    assert.equal(isExtendedResource('count/deployments.apps'), false);
  });

  it('names limits.<extended> and bare extended keys as unenforced, with the key that is', () => {
    assert.deepEqual(unenforcedReason('limits.nvidia.com/gpu'), {
      reason: 'limits.nvidia.com/gpu is accepted by the API server but never enforced for an extended resource',
      use: 'requests.nvidia.com/gpu',
    });
    assert.deepEqual(unenforcedReason('nvidia.com/gpu'), {
      reason: 'bare nvidia.com/gpu is accepted by the API server but never enforced',
      use: 'requests.nvidia.com/gpu',
    });
    assert.equal(unenforcedReason('requests.nvidia.com/gpu'), null);
    assert.equal(unenforcedReason('limits.cpu'), null);
    assert.equal(unenforcedReason('cpu'), null);
  });
});
