/**
 * Exact Kubernetes quantities, the only parser and formatter of quantity strings in quotaplan.
 *
 * A Quantity is a bigint count of nano-units (value = nanos / 1e9) plus the format family Go remembers
 * (`resource.Quantity.Format`). Every rule below is taken from k8s.io/apimachinery v0.36.3
 * `pkg/api/resource/{quantity,suffix,amount,math}.go`; the Go oracle in `test/quantity-oracle/` checks us
 * against that code on more than 10,000 strings. No floating-point number touches a quantity here.
 */
import { ValidationError } from './errors.js';

export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

/** value = nanos / 1e9, exactly. Go rounds every parsed value up (away from zero) to a whole nano. */
export interface Quantity {
  readonly nanos: bigint;
  readonly format: QuantityFormat;
}

/** Which of Go's three parse errors (quantity.go ErrFormatWrong / ErrSuffix / ErrNumeric), or our range limit. */
export type QuantityErrorReason = 'format' | 'suffix' | 'numeric' | 'range';

/** A string that is not a Kubernetes quantity. The message quotes the text and names file and field when known. */
export class QuantityError extends ValidationError {
  constructor(
    message: string,
    readonly reason: QuantityErrorReason,
    where: { file?: string; field?: string; value?: unknown } = {},
  ) {
    super(message, where);
  }
}

/** Where a quantity string came from, for error messages. */
export interface QuantitySource {
  file?: string;
  field?: string;
}

const NANOS_PER_UNIT = 1_000_000_000n;

/**
 * quotaplan's one deliberate limit beyond Go: decimal values must be below 10^1000 in magnitude. Go keeps
 * `1e2000000000` as mantissa and exponent; a bigint of nanos cannot, and no cluster has such a quantity.
 */
export const MAX_DECIMAL_DIGITS = 1000;

/** Go's BinarySI parse cap: `maxAllowed` (math.go) is 2^63-1, applied only to BinarySI input. */
const MAX_BINARY_NANOS = ((1n << 63n) - 1n) * NANOS_PER_UNIT;

export const ZERO_QUANTITY: Quantity = Object.freeze({ nanos: 0n, format: 'DecimalSI' as const });

// ---------------------------------------------------------------------------------------------------------
// Grammar (quantity.go parseQuantityString)
// ---------------------------------------------------------------------------------------------------------

/**
 * Go's hand-written scanner accepts exactly this language: sign, leading zeros (stripped), integer digits,
 * optional `.` and fraction digits (either side may be empty: `.5`, `5.`, even `.`), then a suffix made of
 * the letters `eEinumkKMGTP`, an optional sign and digits. Which suffixes mean something is decided later
 * (suffix.go interpret). Anything else is ErrFormatWrong.
 */
const QUANTITY_SHAPE =
  /^(?<sign>[+-]?)(?<zeros>0*)(?<integer>[0-9]*)(?:\.(?<fraction>[0-9]*))?(?<suffix>[eEinumkKMGTP]*[+-]?[0-9]*)$/;

interface ScannedQuantity {
  negative: boolean;
  /** integer digits without leading zeros; Go counts an empty one as "0" for precision */
  integer: string;
  fraction: string;
  suffix: string;
  /** whether any digit (leading zero included) was written: inf.Dec.SetString needs one on Go's slow path */
  hasDigits: boolean;
}

function scanQuantity(text: string): ScannedQuantity | undefined {
  // ParseQuantity rejects the empty string before scanning.
  if (text.length === 0) return undefined;
  const groups = QUANTITY_SHAPE.exec(text)?.groups;
  if (groups === undefined) return undefined;
  const zeros = groups['zeros'] ?? '';
  const integer = groups['integer'] ?? '';
  const fraction = groups['fraction'] ?? '';
  return {
    negative: groups['sign'] === '-',
    integer,
    fraction,
    suffix: groups['suffix'] ?? '',
    hasDigits: zeros.length + integer.length + fraction.length > 0,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Suffixes (suffix.go)
// ---------------------------------------------------------------------------------------------------------

interface Multiplier {
  base: 10n | 2n;
  exponent: number;
  format: QuantityFormat;
}

const DECIMAL_SI_EXPONENTS: Readonly<Record<string, number>> = {
  n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18,
};
const BINARY_SI_EXPONENTS: Readonly<Record<string, number>> = {
  Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60,
};
const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

/**
 * suffix.go interpret: the SI tables first (so `E` alone is exa, 10^18), then `e`/`E` followed by a signed
 * integer that strconv.ParseInt(…, 64) accepts. Go then truncates it with int32(parsed), so `1e4294967296`
 * is 1; we keep that wrap-around.
 */
function interpretSuffix(suffix: string): Multiplier | undefined {
  const decimal = DECIMAL_SI_EXPONENTS[suffix];
  if (decimal !== undefined) return { base: 10n, exponent: decimal, format: 'DecimalSI' };
  const binary = BINARY_SI_EXPONENTS[suffix];
  if (binary !== undefined) return { base: 2n, exponent: binary, format: 'BinarySI' };
  if (suffix.length > 1 && (suffix[0] === 'e' || suffix[0] === 'E')) {
    const digits = suffix.slice(1);
    if (!/^[+-]?[0-9]+$/.test(digits)) return undefined;
    const parsed = BigInt(digits);
    if (parsed < INT64_MIN || parsed > INT64_MAX) return undefined;
    return { base: 10n, exponent: Number(BigInt.asIntN(32, parsed)), format: 'DecimalExponent' };
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Parsing (quantity.go ParseQuantity)
// ---------------------------------------------------------------------------------------------------------

/**
 * Go's int32 arithmetic wraps around; scales near ±2^31 depend on it (`1.5e-2147483648` is huge in Go).
 * `| 0` is exactly that wrap for the safe integers we pass.
 */
function int32(n: number): number {
  return n | 0;
}

/** How Go reads the digits: value = digits * 10^exponent10 (decimal) or digits * 2^exponent2 / 10^fraction. */
interface Reading {
  /** Go's int64 "fast path"; otherwise inf.Dec (the "slow path"). */
  fastPath: boolean;
  /** decimal only: the power of ten the digits are scaled by, after Go's int32 wrap-around */
  exponent10: number;
}

/**
 * Go parses on an int64 fast path when the digits fit and no precision is lost, and falls back to inf.Dec.
 * Both give the same value except at int32 scales, but the slow path's inf.Dec.SetString needs at least one
 * digit (so `-e-10` and `Pi` fail with ErrNumeric while `-e5` and `Ki` are zero), and only the fast path may
 * keep the input text as Go's String() (see parsedQuantityString).
 */
function readDigits(scanned: ScannedQuantity, multiplier: Multiplier): Reading {
  const integerLength = Math.max(scanned.integer.length, 1); // Go counts an empty integer part as "0"
  const fractionLength = scanned.fraction.length;
  if (multiplier.base === 2n) {
    // Go: 15 - len(num) - int32(float32(exponent)*3/10) - 1, only without a fraction; exponent is 10..60,
    // so exponent/10*3 is the same integer.
    const precision = 14 - integerLength - (multiplier.exponent / 10) * 3;
    return { fastPath: fractionLength === 0 && precision >= 0, exponent10: 0 };
  }
  const precision = 18 - (integerLength + fractionLength); // maxInt64Factors - digits
  const fastScale = int32(multiplier.exponent - fractionLength); // scale -= int32(len(denom))
  if (precision >= 0 && fastScale >= -9) return { fastPath: true, exponent10: fastScale };
  // inf.Dec: SetScale(amount.Scale() + Scale(exponent).infScale()), where infScale is int32(-exponent).
  return { fastPath: false, exponent10: -int32(fractionLength + int32(-multiplier.exponent)) };
}

/** |value| * 1e9 rounded up to an integer (inf.RoundUp on the absolute value, quantity.go). */
function absoluteNanos(scanned: ScannedQuantity, multiplier: Multiplier, reading: Reading): bigint {
  const digits = BigInt((scanned.integer || '0') + scanned.fraction);
  if (digits === 0n) return 0n;
  if (multiplier.base === 2n) {
    const numerator = digits * (1n << BigInt(multiplier.exponent)) * NANOS_PER_UNIT;
    return ceilDivide(numerator, 10n ** BigInt(scanned.fraction.length));
  }
  const nanoExponent = reading.exponent10 + 9;
  if (nanoExponent >= 0) return digits * 10n ** BigInt(nanoExponent);
  // Below one nano: rounds up to 1n without building 10^huge.
  if (-nanoExponent > digits.toString().length) return 1n;
  return ceilDivide(digits, 10n ** BigInt(-nanoExponent));
}

/** value >= 10^MAX_DECIMAL_DIGITS, decided from digit counts before any power is built. */
function exceedsDecimalLimit(scanned: ScannedQuantity, multiplier: Multiplier, reading: Reading): boolean {
  if (multiplier.base !== 10n) return false;
  const significant = (scanned.integer + scanned.fraction).replace(/^0+/, '');
  // significant * 10^exponent10 has significant.length + exponent10 digits left of the point.
  return significant.length > 0 && significant.length + reading.exponent10 > MAX_DECIMAL_DIGITS;
}

function describe(text: string, source: QuantitySource): string {
  const where = [source.file, source.field].filter((part) => part !== undefined && part !== '').join(': ');
  return `${where === '' ? '' : `${where}: `}invalid quantity ${JSON.stringify(text)}`;
}

const SUFFIX_HELP = 'suffixes are n u m k M G T P E, Ki Mi Gi Ti Pi Ei, or e/E and an exponent';

function reasonText(reason: QuantityErrorReason, suffix: string): string {
  switch (reason) {
    case 'format':
      return 'expected a number and a suffix, like 500m, 1.5Gi or 2e3';
    case 'suffix':
      return `unknown suffix ${JSON.stringify(suffix)} (${SUFFIX_HELP})`;
    case 'numeric':
      return 'the number has no digits';
    case 'range':
      return `magnitude 10^${MAX_DECIMAL_DIGITS} or more is beyond what quotaplan represents`;
  }
}

function fail(text: string, reason: QuantityErrorReason, source: QuantitySource, suffix = ''): never {
  const message = `${describe(text, source)}: ${reasonText(reason, suffix)}`;
  throw new QuantityError(message, reason, { ...source, value: text });
}

/** Parse like Go's resource.ParseQuantity; throws QuantityError on what Go rejects. */
export function parseQuantity(text: string, source: QuantitySource = {}): Quantity {
  return parseText(text, source).quantity;
}

interface ParsedText {
  quantity: Quantity;
  /** Go's String() returns the input itself (see parsedQuantityString) */
  keepsText: boolean;
}

function parseText(text: string, source: QuantitySource): ParsedText {
  const scanned = scanQuantity(text);
  if (scanned === undefined) fail(text, 'format', source);
  const multiplier = interpretSuffix(scanned.suffix);
  if (multiplier === undefined) fail(text, 'suffix', source, scanned.suffix);
  const reading = readDigits(scanned, multiplier);
  if (!reading.fastPath && !scanned.hasDigits) fail(text, 'numeric', source);
  if (exceedsDecimalLimit(scanned, multiplier, reading)) fail(text, 'range', source);

  let nanos = absoluteNanos(scanned, multiplier, reading);
  let format = multiplier.format;
  if (format === 'BinarySI') {
    if (nanos > MAX_BINARY_NANOS) nanos = MAX_BINARY_NANOS;
    // Go: a BinarySI value strictly between 0 and 1 is re-labelled DecimalSI "to avoid rounding".
    if (nanos > 0n && nanos < NANOS_PER_UNIT) format = 'DecimalSI';
  }
  const quantity = freeze(scanned.negative ? -nanos : nanos, format);
  return { quantity, keepsText: text === '0' || (reading.fastPath && keepsInputText(scanned, multiplier, reading)) };
}

/** Whether Go's ParseQuantity accepts text (and it is within quotaplan's range). */
export function isQuantity(text: string): boolean {
  try {
    parseQuantity(text);
    return true;
  } catch (error) {
    if (error instanceof QuantityError) return false;
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Canonical form (quantity.go CanonicalizeBytes, amount.go AsCanonicalBytes / AsCanonicalBase1024Bytes)
// ---------------------------------------------------------------------------------------------------------

const DECIMAL_SI_SUFFIXES: ReadonlyMap<number, string> = new Map(
  Object.entries(DECIMAL_SI_EXPONENTS).map(([suffix, exponent]) => [exponent, suffix]),
);
const BINARY_SI_SUFFIXES: ReadonlyMap<number, string> = new Map(
  Object.entries(BINARY_SI_EXPONENTS).map(([suffix, exponent]) => [exponent / 10, suffix]),
);

/**
 * The canonical text of a quantity, as every quotaplan output prints it: Go's canonical String() (the largest
 * exponent, a multiple of 3 or of 1024 for BinarySI, that keeps the mantissa an integer; BinarySI falls back to
 * DecimalSI between -1024 and 1024 and when the value is not a whole number), except where Go has no suffix:
 * a DecimalSI exponent above 18 (E) or a BinarySI one above 60 (Ei). There Go prints the bare mantissa (10^21 as
 * "1"), which reads, and parses back, as a different number; this prints the exponent form instead ("1e21",
 * Go's own DecimalExponent text), so the text always parses back to the same value.
 */
export function formatQuantity(q: Quantity): string {
  return canonicalText(q, false);
}

/** A quantity as a table shows it to people; `rounded` when the text is not the exact value. */
export interface ReadableQuantity {
  text: string;
  rounded: boolean;
}

const BINARY_UNITS: ReadonlyArray<readonly [string, bigint]> = ['Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'].map(
  (suffix, i) => [suffix, 1024n ** BigInt(i + 1) * NANOS_PER_UNIT] as const,
);

/**
 * A byte quantity (memory, storage) for a table. Its canonical text when that reads at a glance (at most four
 * digits, then a suffix: `64Gi`, `1408Gi`, `500M`); otherwise the largest binary unit it reaches, exact when a
 * tenth of that unit divides it (`1.5Ti`), else rounded half up to a tenth and marked with `~` (`~8.7Ti` for
 * 9353868984Ki). All in bigint; JSON and YAML keep printing formatQuantity.
 */
export function formatBytesReadably(q: Quantity): ReadableQuantity {
  const exact = formatQuantity(q);
  if (/^-?\d{1,4}[A-Za-z]*$/.test(exact)) return { text: exact, rounded: false };
  const sign = q.nanos < 0n ? '-' : '';
  const size = q.nanos < 0n ? -q.nanos : q.nanos;
  const unit = [...BINARY_UNITS].reverse().find(([, nanos]) => size >= nanos);
  if (unit === undefined) return { text: exact, rounded: false };
  const [suffix, nanos] = unit;
  const tenths = (size * 10n + nanos / 2n) / nanos;
  const rounded = (size * 10n) % nanos !== 0n;
  const whole = tenths / 10n;
  const fraction = tenths % 10n;
  const number = fraction === 0n && !rounded ? `${whole}` : `${whole}.${fraction}`;
  return { text: `${rounded ? '~' : ''}${sign}${number}${suffix}`, rounded };
}

/**
 * Exactly Go's `String()` of a parsed or computed Quantity, bare mantissa included (`1000E` prints as "1"). Only
 * for comparing with Go (the oracle's vectors, `parsedQuantityString`); print quantities with formatQuantity.
 */
export function goQuantityString(q: Quantity): string {
  return canonicalText(q, true);
}

function canonicalText(q: Quantity, bareMantissa: boolean): string {
  if (q.nanos === 0n) return '0';
  if (q.format === 'BinarySI' && binaryPrintable(q.nanos)) {
    const text = formatBinary(q.nanos, bareMantissa);
    if (text !== null) return text;
  }
  return formatDecimal(q.nanos, q.format === 'DecimalExponent' ? 'DecimalExponent' : 'DecimalSI', bareMantissa);
}

function binaryPrintable(nanos: bigint): boolean {
  const magnitude = nanos < 0n ? -nanos : nanos;
  return magnitude >= 1024n * NANOS_PER_UNIT && magnitude % NANOS_PER_UNIT === 0n;
}

/** `<mantissa><Ki..Ei>`; beyond Ei, Go's bare mantissa, or null (then the decimal text) when that is not wanted. */
function formatBinary(nanos: bigint, bareMantissa: boolean): string | null {
  let mantissa = nanos / NANOS_PER_UNIT;
  let power = 0;
  while (mantissa % 1024n === 0n) {
    mantissa /= 1024n;
    power += 1;
  }
  const suffix = BINARY_SI_SUFFIXES.get(power);
  if (suffix === undefined && !bareMantissa) return null;
  return `${mantissa}${suffix ?? ''}`;
}

function formatDecimal(nanos: bigint, format: 'DecimalSI' | 'DecimalExponent', bareMantissa: boolean): string {
  const digits = nanos.toString();
  const trailingZeros = digits.length - digits.replace(/0+$/, '').length;
  let exponent = trailingZeros - 9;
  let mantissa = digits.slice(0, digits.length - trailingZeros);
  // Lower the exponent to a multiple of 3 (Go multiplies the mantissa by 10 or 100).
  const extra = ((exponent % 3) + 3) % 3;
  mantissa += '0'.repeat(extra);
  exponent -= extra;
  const exponentText = exponent === 0 ? mantissa : `${mantissa}e${exponent}`;
  if (format === 'DecimalExponent') return exponentText;
  const suffix = DECIMAL_SI_SUFFIXES.get(exponent);
  if (suffix !== undefined) return `${mantissa}${suffix}`;
  return bareMantissa ? mantissa : exponentText;
}

/**
 * What Go's `ParseQuantity(text).String()` returns. On its int64 fast path Go keeps the input text verbatim
 * when a cheap test calls it canonical (quantity.go: BinarySI with a mantissa not divisible by 8; decimal with
 * a scale divisible by 3, no "000" ending and no leading zero), so "+5", "1.500k" and "1E3" come back as
 * written. The API server echoes quantities this way; quotaplan's own output uses formatQuantity.
 */
export function parsedQuantityString(text: string, source: QuantitySource = {}): string {
  const { quantity, keepsText } = parseText(text, source);
  return keepsText ? text : goQuantityString(quantity);
}

function keepsInputText(scanned: ScannedQuantity, multiplier: Multiplier, reading: Reading): boolean {
  const shifted = (scanned.integer || '0') + scanned.fraction;
  if (multiplier.base === 2n) return BigInt(shifted) % 8n !== 0n; // exponent%10 == 0 && value&0x07 != 0
  return reading.exponent10 % 3 === 0 && !shifted.endsWith('000') && shifted[0] !== '0';
}

// ---------------------------------------------------------------------------------------------------------
// Construction and arithmetic (quantity.go Add / Sub / Mul / Cmp)
// ---------------------------------------------------------------------------------------------------------

function freeze(nanos: bigint, format: QuantityFormat): Quantity {
  return Object.freeze({ nanos, format });
}

/** A whole number of units: quantityFromUnits(3n) formats as "3". */
export function quantityFromUnits(units: bigint, format: QuantityFormat = 'DecimalSI'): Quantity {
  return freeze(units * NANOS_PER_UNIT, format);
}

export function quantityFromNanos(nanos: bigint, format: QuantityFormat = 'DecimalSI'): Quantity {
  return freeze(nanos, format);
}

/** Go's q.Add(y): the result keeps a's format unless a is zero, then it takes b's. */
export function addQuantities(a: Quantity, b: Quantity): Quantity {
  return freeze(a.nanos + b.nanos, a.nanos === 0n ? b.format : a.format);
}

/** Go's q.Sub(y): same format rule as Add. */
export function subtractQuantities(a: Quantity, b: Quantity): Quantity {
  return freeze(a.nanos - b.nanos, a.nanos === 0n ? b.format : a.format);
}

/** Go's q.Mul(y): the format never changes. */
export function multiplyQuantity(q: Quantity, factor: bigint): Quantity {
  return freeze(q.nanos * factor, q.format);
}

/** A fold of addQuantities starting from a zero of the given format (Go: `sum := Quantity{Format: f}`). */
export function sumQuantities(items: Iterable<Quantity>, format: QuantityFormat = 'DecimalSI'): Quantity {
  let total = freeze(0n, format);
  for (const item of items) total = addQuantities(total, item);
  return total;
}

export function compareQuantities(a: Quantity, b: Quantity): -1 | 0 | 1 {
  if (a.nanos < b.nanos) return -1;
  return a.nanos > b.nanos ? 1 : 0;
}

/** The larger; a when equal. */
export function maxQuantity(a: Quantity, b: Quantity): Quantity {
  return compareQuantities(a, b) >= 0 ? a : b;
}

/** The smaller; a when equal. */
export function minQuantity(a: Quantity, b: Quantity): Quantity {
  return compareQuantities(a, b) <= 0 ? a : b;
}

export function isZeroQuantity(q: Quantity): boolean {
  return q.nanos === 0n;
}

/** The value in whole units, rounded toward -infinity ('floor') or +infinity ('ceil'): 1500m -> 1 | 2. */
export function wholeUnits(q: Quantity, rounding: 'floor' | 'ceil'): bigint {
  return divideRounded(q.nanos, NANOS_PER_UNIT, rounding);
}

/** How many `unit`s make q, rounded as asked: 3Gi in 1Gi units -> 3. Throws QuantityError for a zero unit. */
export function unitsOf(q: Quantity, unit: Quantity, rounding: 'floor' | 'ceil'): bigint {
  if (unit.nanos === 0n) {
    throw new QuantityError(`cannot count ${formatQuantity(q)} in units of 0`, 'numeric', { value: formatQuantity(unit) });
  }
  return divideRounded(q.nanos, unit.nanos, rounding);
}

function divideRounded(numerator: bigint, denominator: bigint, rounding: 'floor' | 'ceil'): bigint {
  const n = denominator < 0n ? -numerator : numerator;
  const d = denominator < 0n ? -denominator : denominator;
  const truncated = n / d;
  const remainder = n % d;
  if (remainder === 0n) return truncated;
  if (rounding === 'floor') return n < 0n ? truncated - 1n : truncated;
  return n > 0n ? truncated + 1n : truncated;
}

/** ceil(n / d) for n >= 0, d > 0. */
function ceilDivide(n: bigint, d: bigint): bigint {
  return (n + d - 1n) / d;
}
