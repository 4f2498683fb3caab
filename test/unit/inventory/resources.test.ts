import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ValidationError } from '../../../src/errors.js';
import {
  addResourceLists,
  formatResourceList,
  maxResourceLists,
  parseResourceList,
  resourceListsEqual,
  subtractResourceLists,
  sumResourceLists,
} from '../../../src/resources.js';
import { quantityErrorMessage } from '../../builders/quantity-errors.js';

const list = (raw: Record<string, string>) => parseResourceList(raw);

describe('resource lists', () => {
  it('adds per resource over the union of names, exactly', () => {
    assert.deepEqual(formatResourceList(addResourceLists(list({ cpu: '1.5', memory: '1Gi' }), list({ cpu: '500m', 'nvidia.com/gpu': '1' }))), {
      cpu: '2',
      memory: '1Gi',
      'nvidia.com/gpu': '1',
    });
  });

  it('subtracts, a missing value counting as zero, and may go negative', () => {
    assert.deepEqual(formatResourceList(subtractResourceLists(list({ cpu: '4', memory: '1Gi' }), list({ cpu: '4500m', pods: '2' }))), {
      cpu: '-500m',
      memory: '1Gi',
      pods: '-2',
    });
  });

  it('takes the max per resource', () => {
    assert.deepEqual(formatResourceList(maxResourceLists(list({ cpu: '4', memory: '2Gi' }), list({ cpu: '1', memory: '3Gi', 'amd.com/gpu': '1' }))), {
      'amd.com/gpu': '1',
      cpu: '4',
      memory: '3Gi',
    });
  });

  it('sums many lists and formats with sorted keys', () => {
    const sum = sumResourceLists([list({ memory: '512Mi' }), list({ memory: '512Mi', cpu: '100m' }), list({})]);
    assert.deepEqual(Object.keys(formatResourceList(sum)), ['cpu', 'memory']);
    assert.deepEqual(formatResourceList(sum), { cpu: '100m', memory: '1Gi' });
  });

  it('compares values, not strings, and treats a missing value as zero', () => {
    assert.equal(resourceListsEqual(list({ cpu: '2000m', memory: '1024Mi' }), list({ cpu: '2', memory: '1Gi' })), true);
    assert.equal(resourceListsEqual(list({ cpu: '0' }), list({})), true);
    assert.equal(resourceListsEqual(list({ cpu: '1' }), list({})), false);
  });

  it('names the file, object and field of an invalid quantity', () => {
    assert.throws(
      () => parseResourceList({ cpu: '1', memory: '1 Gi' }, { file: 'teams.yaml', object: 'team fraud', field: 'reserve' }),
      (error: unknown) => {
        assert.ok(error instanceof ValidationError);
        assert.equal(
          error.message,
          `teams.yaml: team fraud: reserve.memory: ${quantityErrorMessage('1 Gi')}`,
        );
        assert.deepEqual(error.where, { file: 'teams.yaml', field: 'reserve.memory', value: '1 Gi' });
        return true;
      },
    );
  });
});
