/**
 * Every vector that k8s.io/apimachinery's own resource.Quantity produced (test/quantity-oracle, regenerate
 * with test/quantity-oracle/generate.sh) must come out the same from src/quantity.ts: accept/reject and
 * which error, exact value, format, canonical String(), the text Go echoes after parsing, and the value,
 * format and String() of Add, Sub, Cmp, Mul and folds of Add.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import {
  MAX_DECIMAL_DIGITS,
  QuantityError,
  addQuantities,
  compareQuantities,
  formatQuantity,
  goQuantityString,
  isQuantity,
  multiplyQuantity,
  parseQuantity,
  parsedQuantityString,
  quantityFromNanos,
  subtractQuantities,
  sumQuantities,
  type Quantity,
  type QuantityFormat,
} from '../../src/quantity.js';

interface ParseVector {
  input: string;
  ok: boolean;
  error?: 'format' | 'suffix' | 'numeric';
  value?: string;
  format?: QuantityFormat;
  string?: string;
  canonical?: string;
}
interface PairVector {
  a: string; b: string; cmp: -1 | 0 | 1;
  add: string; addValue: string; addFormat: QuantityFormat;
  sub: string; subValue: string; subFormat: QuantityFormat;
}
interface MulVector { a: string; by: number; result: string; value: string; format: QuantityFormat }
interface SumVector { start: QuantityFormat; items: string[]; result: string; value: string; format: QuantityFormat }
interface Vectors { apimachinery: string; parse: ParseVector[]; pairs: PairVector[]; mul: MulVector[]; sum: SumVector[] }

const vectors = JSON.parse(
  readFileSync(new URL('../fixtures/quantity-vectors.json', import.meta.url), 'utf8'),
) as Vectors;

/** Go's "<mantissa>e<exponent>" rendering of an exact value. */
function splitValue(value: string): { mantissa: bigint; exponent: number } {
  const at = value.lastIndexOf('e');
  return { mantissa: BigInt(value.slice(0, at)), exponent: Number(value.slice(at + 1)) };
}

function nanosOf(value: string): bigint {
  const { mantissa, exponent } = splitValue(value);
  assert.ok(exponent >= -9, `Go value ${value} is finer than a nano`);
  return mantissa * 10n ** BigInt(exponent + 9);
}

/** Values of 10^MAX_DECIMAL_DIGITS or more, which Go keeps as mantissa and exponent and quotaplan refuses. */
function beyondRange(value: string): boolean {
  const { mantissa, exponent } = splitValue(value);
  const digits = (mantissa < 0n ? -mantissa : mantissa).toString().length;
  return mantissa !== 0n && digits + exponent > MAX_DECIMAL_DIGITS;
}

function reasonOf(text: string): string {
  try {
    parseQuantity(text);
    return 'accepted';
  } catch (error) {
    if (error instanceof QuantityError) return error.reason;
    throw error;
  }
}

/** Runs check on every vector and fails with the first disagreements listed. */
function agreeOnAll<T>(vectors: T[], check: (vector: T) => string | undefined): number {
  const disagreements: string[] = [];
  for (const vector of vectors) {
    const problem = check(vector);
    if (problem !== undefined) disagreements.push(problem);
  }
  assert.deepEqual(disagreements.slice(0, 25), [], `${disagreements.length} of ${vectors.length} vectors disagree`);
  return vectors.length;
}

function describeQuantity(q: Quantity): string {
  return `${q.nanos}n ${q.format} "${goQuantityString(q)}"`;
}

test('the vectors come from the apimachinery version the oracle pins', () => {
  assert.equal(vectors.apimachinery, 'v0.36.3');
  assert.ok(vectors.parse.length >= 10_000, `only ${vectors.parse.length} parse vectors`);
});

test('parsing agrees with Go ParseQuantity on every vector', (t) => {
  let beyond = 0;
  const count = agreeOnAll(vectors.parse, (v) => {
    if (!v.ok) {
      const reason = reasonOf(v.input);
      if (reason !== v.error || isQuantity(v.input)) return `${JSON.stringify(v.input)}: Go ${v.error}, ours ${reason}`;
      return undefined;
    }
    if (beyondRange(v.value!)) {
      beyond += 1;
      const reason = reasonOf(v.input);
      return reason === 'range' ? undefined : `${JSON.stringify(v.input)}: beyond range but ours ${reason}`;
    }
    let q: Quantity;
    try {
      q = parseQuantity(v.input);
    } catch (error) {
      return `${JSON.stringify(v.input)}: Go accepts, ours threw ${String(error)}`;
    }
    const expected = `${nanosOf(v.value!)}n ${v.format} "${v.canonical}"`;
    if (describeQuantity(q) !== expected) return `${JSON.stringify(v.input)}: Go ${expected}, ours ${describeQuantity(q)}`;
    const echoed = parsedQuantityString(v.input);
    if (echoed !== v.string) return `${JSON.stringify(v.input)}: Go String() ${v.string}, ours ${echoed}`;
    if (!isQuantity(v.input)) return `${JSON.stringify(v.input)}: isQuantity false`;
    return undefined;
  });
  t.diagnostic(`${count} parse vectors agree (${beyond} of them beyond 10^${MAX_DECIMAL_DIGITS}, refused by design)`);
});

test('Add, Sub and Cmp agree with Go on every pair', (t) => {
  const count = agreeOnAll(vectors.pairs, (v) => {
    const a = parseQuantity(v.a);
    const b = parseQuantity(v.b);
    const problems: string[] = [];
    if (compareQuantities(a, b) !== v.cmp) problems.push(`cmp ${v.cmp} vs ${compareQuantities(a, b)}`);
    const add = describeQuantity(addQuantities(a, b));
    if (add !== `${nanosOf(v.addValue)}n ${v.addFormat} "${v.add}"`) problems.push(`add ${v.add} ${v.addFormat} vs ${add}`);
    const sub = describeQuantity(subtractQuantities(a, b));
    if (sub !== `${nanosOf(v.subValue)}n ${v.subFormat} "${v.sub}"`) problems.push(`sub ${v.sub} ${v.subFormat} vs ${sub}`);
    return problems.length === 0 ? undefined : `${v.a} ? ${v.b}: ${problems.join('; ')}`;
  });
  t.diagnostic(`${count} pair vectors agree`);
});

test('Mul by an integer agrees with Go on every vector', (t) => {
  const count = agreeOnAll(vectors.mul, (v) => {
    const ours = describeQuantity(multiplyQuantity(parseQuantity(v.a), BigInt(v.by)));
    const go = `${nanosOf(v.value)}n ${v.format} "${v.result}"`;
    return ours === go ? undefined : `${v.a} * ${v.by}: Go ${go}, ours ${ours}`;
  });
  t.diagnostic(`${count} mul vectors agree`);
});

test('a fold of Add from a zero of a given format agrees with Go on every vector', (t) => {
  const count = agreeOnAll(vectors.sum, (v) => {
    const ours = describeQuantity(sumQuantities(v.items.map((item) => parseQuantity(item)), v.start));
    const go = `${nanosOf(v.value)}n ${v.format} "${v.result}"`;
    return ours === go ? undefined : `sum(${v.start}; ${v.items.join(', ')}): Go ${go}, ours ${ours}`;
  });
  t.diagnostic(`${count} sum vectors agree`);
});

test('formatQuantity prints every accepted vector as text that parses back to the same value', (t) => {
  // Go's String() prints values past E (10^18) or Ei as a bare mantissa (10^21 as "1"); formatQuantity must not.
  let differsFromGo = 0;
  const count = agreeOnAll(
    vectors.parse.filter((v) => v.ok && !beyondRange(v.value!)),
    (v) => {
      const q = parseQuantity(v.input);
      const text = formatQuantity(q);
      if (text !== v.canonical) differsFromGo += 1;
      const back = parseQuantity(text).nanos;
      return back === q.nanos ? undefined : `${JSON.stringify(v.input)}: printed ${text}, which parses to ${back}n, not ${q.nanos}n`;
    },
  );
  t.diagnostic(`${count} vectors print exactly (${differsFromGo} differ from Go's bare mantissa)`);
  assert.ok(differsFromGo > 0, 'the vectors hold values past E, where Go prints a bare mantissa');
});

test('quantityFromNanos with a parsed value and format reproduces the parse', () => {
  const q = parseQuantity('1.5Gi');
  assert.deepEqual(quantityFromNanos(q.nanos, q.format), q);
});
