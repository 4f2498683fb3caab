/**
 * Byte quantities in a review's sentences and report tables read as the tables of every other page do (issue 18,
 * item 10): a what-if or a plan computes memory in bytes (`927712935936`, `1073741824k`), which the reports used to
 * print as they are. The expected texts are worked out by hand: 927712935936 = 864 x 2^30, 1073741824k =
 * 1000 x 2^30, 9612721577984 / 2^40 = 8.74..., 9353868984Ki / 2^30 = 8.71... (Ti).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseQuantity } from '../../../src/quantity.js';
import { quantityInText, quantityTextInText } from '../../../src/review/decimal.js';

describe('quantities in a review\u2019s text', () => {
  it('bytes in the largest binary unit, exact where a tenth of it divides them, else marked with ~', () => {
    assert.equal(quantityInText('memory', parseQuantity('927712935936')), '864Gi');
    assert.equal(quantityInText('memory', parseQuantity('1073741824k')), '1000Gi');
    assert.equal(quantityInText('memory', parseQuantity('9612721577984')), '~8.7Ti');
    assert.equal(quantityInText('ephemeral-storage', parseQuantity('1536Mi')), '1536Mi');
    assert.equal(quantityInText('hugepages-2Mi', parseQuantity('2147483648')), '2Gi');
  });

  it('every other resource keeps its canonical text', () => {
    assert.equal(quantityInText('cpu', parseQuantity('63500m')), '63500m');
    assert.equal(quantityInText('nvidia.com/gpu', parseQuantity('12')), '12');
  });

  it('texts from a review\u2019s JSON: null stays null, words stay words', () => {
    assert.equal(quantityTextInText('memory', '9353868984Ki'), '~8.7Ti');
    assert.equal(quantityTextInText('memory', null), null);
    assert.equal(quantityTextInText('memory', 'unlimited'), 'unlimited');
    assert.equal(quantityTextInText('cpu', '63500m'), '63500m');
  });
});
