/**
 * The CEL environment Kubernetes evaluates DeviceClass selectors in, rebuilt on @marcbachmann/cel-js
 * (k8s.io/dynamic-resource-allocation/cel/compile.go, v1.36): one variable `device` with `driver`,
 * `allowMultipleAllocations` (DRAConsumableCapacity, beta and on in 1.36), `attributes` and `capacity`, both
 * maps of domain -> identifier -> value, where a name without a domain belongs to the device's driver and an
 * unknown domain is an empty map (compile.go newStringInterfaceMapWithDefault), so `device.attributes["x"].y`
 * fails with "no such key" as it does there.
 *
 * The library has CEL's standard functions, macros, `cel.bind`, optional types and the string extensions.
 * Kubernetes' own libraries are added here as extensions, exactly as k8s.io/apiserver/pkg/cel/library defines
 * them: quantity.go (`quantity`, `isQuantity`, `sign`, `isInteger`, `asInteger`, `add`, `sub`, `isLessThan`,
 * `isGreaterThan`, `compareTo`, `==`) on quotaplan's exact quantities, and semverlib.go (`semver`, `isSemver`,
 * `major`, `minor`, `patch`, `isLessThan`, `isGreaterThan`, `compareTo`, `==`) on the `semver` package with
 * blang/semver's strict grammar. Left out, so an expression using them does not type-check and the caller
 * warns instead of guessing: `asApproximateFloat` (a float of a quantity), the normalizing `semver(s, true)` /
 * `isSemver(s, true)`, the IP/CIDR/URL/format/authz libraries, and list-valued attributes (DRAListTypeAttributes,
 * alpha and off in 1.36).
 */
import { Environment } from '@marcbachmann/cel-js';
import { SemVer } from 'semver';
import { compareQuantities, isQuantity, parseQuantity, quantityFromUnits, addQuantities, subtractQuantities, type Quantity } from '../../quantity.js';
import type { DeviceAttribute, DeviceFacts } from './types.js';

const NANOS_PER_UNIT = 1_000_000_000n;
const MIN_INT64 = -(1n << 63n);
const MAX_INT64 = (1n << 63n) - 1n;

/** CEL's `kubernetes.Quantity`: an exact quotaplan Quantity, never a float. */
export class CelQuantity {
  readonly #value: Quantity;
  constructor(value: Quantity) {
    this.#value = value;
  }
  get value(): Quantity {
    return this.#value;
  }
}

/** CEL's `kubernetes.Semver`: a version in blang/semver's strict grammar (no `v`, no leading zeros). */
export class CelSemver {
  readonly #version: SemVer;
  constructor(version: SemVer) {
    this.#version = version;
  }
  get version(): SemVer {
    return this.#version;
  }
}

/** The `device` variable: fields as compile.go's kubernetes.DRADevice type declares them. */
export class CelDevice {
  constructor(
    readonly driver: string,
    readonly allowMultipleAllocations: boolean,
    readonly attributes: Map<string, Map<string, unknown>>,
    readonly capacity: Map<string, Map<string, CelQuantity>>,
  ) {}
}

/**
 * A map whose unknown keys read as an empty map: compile.go's mapper for `device.attributes` and `.capacity`. The
 * library reads a map's entries through `get` and checks a value's class (a Map, not a subclass), so `get` is
 * replaced on the instance. Membership (`in`) reads `get` too, so `"x" in device.attributes` would be true for any
 * domain: device-classes.ts refuses that form instead of evaluating it.
 */
function domainMap<V>(): Map<string, Map<string, V>> {
  const map = new Map<string, Map<string, V>>();
  map.get = (key: string): Map<string, V> => Map.prototype.get.call(map, key) ?? new Map<string, V>();
  return map;
}

// semver.org's grammar, which blang/semver's Parse accepts (numeric parts without leading zeros, no `v`).
const numeric = '0|[1-9]\\d*';
const preIdentifier = `(?:${numeric}|\\d*[a-zA-Z-][0-9a-zA-Z-]*)`;
const STRICT_SEMVER = new RegExp(
  `^(?:${numeric})\\.(?:${numeric})\\.(?:${numeric})(?:-${preIdentifier}(?:\\.${preIdentifier})*)?(?:\\+[0-9a-zA-Z-]+(?:\\.[0-9a-zA-Z-]+)*)?$`,
);

/** blang/semver Parse: a strict version or an error (as semverlib.go's `semver()` returns one). */
export function parseSemver(text: string): CelSemver {
  if (!STRICT_SEMVER.test(text)) throw new Error(`could not parse ${JSON.stringify(text)} as a semantic version`);
  return new CelSemver(new SemVer(text));
}

function isStrictSemver(text: string): boolean {
  try {
    parseSemver(text);
    return true;
  } catch {
    return false;
  }
}

function toCelQuantity(text: string): CelQuantity {
  return new CelQuantity(parseQuantity(text));
}

/** Go's Quantity.AsInt64: the value when it is a whole number within int64, else an error (quantity.go asInteger). */
function asInteger(q: CelQuantity): bigint {
  const nanos = q.value.nanos;
  const units = nanos / NANOS_PER_UNIT;
  if (nanos % NANOS_PER_UNIT !== 0n || units < MIN_INT64 || units > MAX_INT64) {
    throw new Error('cannot convert value to integer');
  }
  return units;
}

function isInteger(q: CelQuantity): boolean {
  const nanos = q.value.nanos;
  const units = nanos / NANOS_PER_UNIT;
  return nanos % NANOS_PER_UNIT === 0n && units >= MIN_INT64 && units <= MAX_INT64;
}

const Q = 'kubernetes.Quantity';
const S = 'kubernetes.Semver';

function method(name: string, receiverType: string, params: string[], returnType: string, handler: (...args: never[]) => unknown) {
  return { name, receiverType, returnType, params: params.map((type, i) => ({ name: `arg${i}`, type })), handler };
}

function buildEnvironment(): Environment {
  const env = new Environment({ enableOptionalTypes: true, homogeneousAggregateLiterals: true })
    .registerType(Q, { ctor: CelQuantity, fields: {} })
    .registerType(S, { ctor: CelSemver, fields: {} })
    .registerType('kubernetes.DRADevice', {
      ctor: CelDevice,
      fields: {
        driver: 'string',
        allowMultipleAllocations: 'bool',
        attributes: 'map<string, map<string, dyn>>',
        capacity: `map<string, map<string, ${Q}>>`,
      },
    })
    .registerVariable('device', 'kubernetes.DRADevice');

  // quantity.go
  env.registerFunction(`quantity(string): ${Q}`, (text: string) => toCelQuantity(text));
  env.registerFunction('isQuantity(string): bool', (text: string) => isQuantity(text));
  const cmp = (a: CelQuantity, b: CelQuantity): bigint => BigInt(compareQuantities(a.value, b.value));
  for (const m of [
    method('sign', Q, [], 'int', (a: CelQuantity) => BigInt(compareQuantities(a.value, quantityFromUnits(0n)))),
    method('isInteger', Q, [], 'bool', (a: CelQuantity) => isInteger(a)),
    method('asInteger', Q, [], 'int', (a: CelQuantity) => asInteger(a)),
    method('add', Q, [Q], Q, (a: CelQuantity, b: CelQuantity) => new CelQuantity(addQuantities(a.value, b.value))),
    method('add', Q, ['int'], Q, (a: CelQuantity, b: bigint) => new CelQuantity(addQuantities(a.value, quantityFromUnits(b)))),
    method('sub', Q, [Q], Q, (a: CelQuantity, b: CelQuantity) => new CelQuantity(subtractQuantities(a.value, b.value))),
    method('sub', Q, ['int'], Q, (a: CelQuantity, b: bigint) => new CelQuantity(subtractQuantities(a.value, quantityFromUnits(b)))),
    method('isLessThan', Q, [Q], 'bool', (a: CelQuantity, b: CelQuantity) => cmp(a, b) < 0n),
    method('isGreaterThan', Q, [Q], 'bool', (a: CelQuantity, b: CelQuantity) => cmp(a, b) > 0n),
    method('compareTo', Q, [Q], 'int', (a: CelQuantity, b: CelQuantity) => cmp(a, b)),
  ]) {
    env.registerFunction(m);
  }
  // Quantity.Equal compares values: quantity("1") == quantity("1000m").
  env.registerOperator(`${Q} == ${Q}`, (a: CelQuantity, b: CelQuantity) => cmp(a, b) === 0n);

  // semverlib.go (the strict forms only)
  env.registerFunction(`semver(string): ${S}`, (text: string) => parseSemver(text));
  env.registerFunction('isSemver(string): bool', (text: string) => isStrictSemver(text));
  const vcmp = (a: CelSemver, b: CelSemver): bigint => BigInt(a.version.compare(b.version));
  for (const m of [
    method('major', S, [], 'int', (a: CelSemver) => BigInt(a.version.major)),
    method('minor', S, [], 'int', (a: CelSemver) => BigInt(a.version.minor)),
    method('patch', S, [], 'int', (a: CelSemver) => BigInt(a.version.patch)),
    method('isLessThan', S, [S], 'bool', (a: CelSemver, b: CelSemver) => vcmp(a, b) < 0n),
    method('isGreaterThan', S, [S], 'bool', (a: CelSemver, b: CelSemver) => vcmp(a, b) > 0n),
    method('compareTo', S, [S], 'int', (a: CelSemver, b: CelSemver) => vcmp(a, b)),
  ]) {
    env.registerFunction(m);
  }
  env.registerOperator(`${S} == ${S}`, (a: CelSemver, b: CelSemver) => vcmp(a, b) === 0n);
  return env;
}

let environment: Environment | undefined;

/** Built on first use: building an environment is the expensive part, evaluating is cheap. */
export function draEnvironment(): Environment {
  environment ??= buildEnvironment();
  return environment;
}

/** An attribute's CEL value: int as int (bigint), version as kubernetes.Semver (an error if it is not one). */
function attributeValue(attribute: DeviceAttribute): unknown {
  if ('string' in attribute) return attribute.string;
  if ('int' in attribute) return BigInt(attribute.int);
  if ('bool' in attribute) return attribute.bool;
  return parseSemver(attribute.version);
}

/** `<domain>/<id>` -> [domain, id]; a name without a domain is the driver's (compile.go parseQualifiedName). */
function splitName(name: string, driver: string): [string, string] {
  const at = name.indexOf('/');
  return at === -1 ? [driver, name] : [name.slice(0, at), name.slice(at + 1)];
}

/**
 * The `device` variable for one device of a driver's slice. Throws when an attribute cannot be a CEL value (a
 * version that is not semver): Kubernetes fails the evaluation of every selector on such a device.
 */
export function celDevice(driver: string, device: DeviceFacts): CelDevice {
  const attributes = domainMap<unknown>();
  for (const [name, attribute] of Object.entries(device.attributes)) {
    const [domain, id] = splitName(name, driver);
    let inner = attributes.has(domain) ? attributes.get(domain) : undefined;
    if (inner === undefined) attributes.set(domain, (inner = new Map<string, unknown>()));
    try {
      inner.set(id, attributeValue(attribute));
    } catch (error) {
      throw new Error(`attribute ${name}: ${(error as Error).message}`);
    }
  }
  const capacity = domainMap<CelQuantity>();
  for (const [name, value] of Object.entries(device.capacity)) {
    const [domain, id] = splitName(name, driver);
    let inner = capacity.has(domain) ? capacity.get(domain) : undefined;
    if (inner === undefined) capacity.set(domain, (inner = new Map()));
    inner.set(id, new CelQuantity(value));
  }
  return new CelDevice(driver, device.allowMultipleAllocations, attributes, capacity);
}
