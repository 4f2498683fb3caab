/**
 * The name rules against apimachinery's own test cases, copied from k8s.io/apimachinery
 * pkg/util/validation/validation_test.go (TestIsDNS1123Label, TestIsDNS1123Subdomain, TestIsQualifiedName,
 * TestIsValidLabelValue), plus the resource names and quota keys quotaplan reads.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isDns1123Label, isDns1123Subdomain, isLabelValue, isQualifiedName, nameProblem } from '../../src/kube-names.js';

function holds(check: (value: string) => boolean, good: string[], bad: string[]): void {
  for (const value of good) assert.equal(check(value), true, `expected ${JSON.stringify(value)} to be accepted`);
  for (const value of bad) assert.equal(check(value), false, `expected ${JSON.stringify(value)} to be refused`);
}

describe('kube names', () => {
  it('a DNS-1123 label is what apimachinery IsDNS1123Label accepts', () => {
    holds(
      isDns1123Label,
      ['a', 'ab', 'abc', 'a1', 'a-1', 'a--1--2--b', '0', '01', '012', '1a', '1-a', '1--a--b--2', 'a'.repeat(63)],
      [
        '', 'A', 'ABC', 'aBc', 'A1', 'A-1', '1-A',
        '-', 'a-', '-a', '1-', '-1',
        '_', 'a_', '_a', 'a_b', '1_', '_1', '1_2',
        '.', 'a.', '.a', 'a.b', '1.', '.1', '1.2',
        ' ', 'a ', ' a', 'a b', '1 ', ' 1', '1 2',
        'a'.repeat(64),
        // Beyond apimachinery's table: what a hostile dump or teams file sends.
        '../../victim', 'a\n', 'a\u001b[2J', 'équipe',
      ],
    );
  });

  it('a DNS-1123 subdomain is what apimachinery IsDNS1123Subdomain accepts', () => {
    holds(
      isDns1123Subdomain,
      [
        'a', 'ab', 'abc', 'a1', 'a-1', 'a--1--2--b',
        '0', '01', '012', '1a', '1-a', '1--a--b--2',
        'a.a', 'ab.a', 'abc.a', 'a1.a', 'a-1.a', 'a--1--2--b.a',
        'a.1', 'ab.1', 'abc.1', 'a1.1', 'a-1.1', 'a--1--2--b.1',
        '0.a', '01.a', '012.a', '1a.a', '1-a.a', '1--a--b--2',
        '0.1', '01.1', '012.1', '1a.1', '1-a.1', '1--a--b--2.1',
        'a.b.c.d.e', 'aa.bb.cc.dd.ee', '1.2.3.4.5', '11.22.33.44.55',
        'a'.repeat(253),
      ],
      [
        '', 'A', 'ABC', 'aBc', 'A1', 'A-1', '1-A',
        '-', 'a-', '-a', '1-', '-1',
        '_', 'a_', '_a', 'a_b', '1_', '_1', '1_2',
        '.', 'a.', '.a', 'a..b', '1.', '.1', '1..2',
        ' ', 'a ', ' a', 'a b', '1 ', ' 1', '1 2',
        'A.a', 'aB.a', 'ab.A', 'A1.a', 'a1.A',
        'A.1', 'aB.1', 'A1.1', '1A.1',
        '0.A', '01.A', '012.A', '1A.a', '1a.A',
        'A.B.C.D.E', 'AA.BB.CC.DD.EE', 'a.B.c.d.e', 'aa.bB.cc.dd.ee',
        'a@b', 'a,b', 'a_b', 'a;b',
        'a:b', 'a%b', 'a?b', 'a$b',
        'a'.repeat(254),
        '../x', 'a/b', 'a\u0000',
      ],
    );
  });

  it('a qualified name is what apimachinery IsQualifiedName accepts, and every resource name and quota key quotaplan reads is one', () => {
    holds(
      isQualifiedName,
      [
        'simple', 'now-with-dashes', '1-starts-with-num', '1234', 'simple/simple', 'now-with-dashes/simple',
        'now-with-dashes/now-with-dashes', 'now.with.dots/simple', 'now-with.dashes-and.dots/simple', '1-num.2-num/3-num',
        '1234/5678', '1.2.3.4/5678', 'Uppercase_Is_OK_123', 'example.com/Uppercase_Is_OK_123', 'requests.storage-foo',
        'a'.repeat(63), `${'a'.repeat(253)}/${'b'.repeat(63)}`,
        'cpu', 'memory', 'hugepages-2Mi', 'nvidia.com/gpu', 'nvidia.com/mig-1g.10gb', 'amd.com/gpu', 'google.com/tpu',
        'requests.nvidia.com/gpu', 'limits.cpu', 'requests.memory', 'count/pods',
      ],
      [
        'nospecialchars%^=@', 'cantendwithadash-', '-cantstartwithadash-', 'only/one/slash', 'Example.com/abc',
        'example_com/abc', 'example.com/', '/simple', 'a'.repeat(64), `${'a'.repeat(254)}/abc`,
        'nvidia.com/../../x', 'nvidia.com/gpu\u001b[2J', '',
      ],
    );
  });

  it('a label value is what apimachinery IsValidLabelValue accepts', () => {
    holds(
      isLabelValue,
      ['simple', 'now-with-dashes', '1-starts-with-num', 'end-with-num-1', '1234', 'a'.repeat(63), ''],
      ['nospecialchars%^=@', 'Tama-nui-te-rā.is.Māori.sun', '\\backslashes\\are\\bad', '-starts-with-dash', 'ends-with-dash-', '.starts.with.dot', 'ends.with.dot.', 'a'.repeat(64)],
    );
  });

  it('says what a name must be, and nothing for a good one', () => {
    assert.equal(nameProblem('dns1123-label', 'team-a'), undefined);
    assert.equal(
      nameProblem('dns1123-label', 'Team-A'),
      'must be a lowercase RFC 1123 label: at most 63 characters, lower case letters, digits and "-", starting and ending with a letter or digit',
    );
  });
});
