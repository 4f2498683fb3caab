import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatBytesReadably, parseQuantity } from '../../src/quantity.js';
import { isByteResource } from '../../src/resources.js';

// Tables printed memory raw (`5716253268Ki`, `12616940Mi`, issue 21): binary units, exact where exact.
describe('a byte quantity as a table shows it', () => {
  const cases: Array<[string, string, boolean]> = [
    // [value, shown, rounded]; the quotients worked by hand.
    ['64Gi', '64Gi', false], // short canonical text: as is
    ['1536Gi', '1536Gi', false], // four digits still read at a glance
    ['1G', '1G', false], // a decimal suffix the file or the cluster chose stays
    ['10240Gi', '10Ti', false], // canonical text is already 10Ti
    ['15872Gi', '15.5Ti', false], // 15872 / 1024 = 15.5 exactly
    ['9353868984Ki', '~8.7Ti', true], // 9353868984 / 1024^3 = 8.711...
    ['5716253268Ki', '~5.3Ti', true], // 5.323...
    ['12616940Mi', '~12.0Ti', true], // 12616940 / 1024^2 = 12.032...
    ['571064Ki', '~557.7Mi', true], // 571064 / 1024 = 557.679...
    ['10496Ki', '~10.3Mi', true], // 10.25 exactly: half rounds up
    ['123456789', '~117.7Mi', true], // bytes: 123456789 / 1024^2 = 117.737...
    ['-12616940Mi', '~-12.0Ti', true], // a negative FREE (over-committed node)
  ];
  for (const [value, shown, rounded] of cases) {
    it(`shows ${value} as ${shown}${rounded ? ' (rounded)' : ''}`, () => {
      assert.deepEqual(formatBytesReadably(parseQuantity(value)), { text: shown, rounded });
    });
  }

  it('applies to memory, hugepages and storage, not to cpu or accelerators', () => {
    assert.deepEqual(
      ['memory', 'hugepages-2Mi', 'ephemeral-storage', 'requests.storage', 'cpu', 'nvidia.com/gpu', 'pods'].map(isByteResource),
      [true, true, true, true, false, false, false],
    );
  });
});
