// Small display helpers. Quantities arrive as canonical strings and are shown as they are; numbers (GPU-equivalents,
// drawing values) are rounded for reading only.

export function round(value, digits = 2) {
  if (value === null || value === undefined || Number.isNaN(value)) return '';
  const factor = 10 ** digits;
  return String(Math.round(value * factor) / factor);
}

export function dateTime(iso) {
  if (!iso) return '';
  return new Date(iso).toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
}

/** Memory-like drawing values (bytes) in GiB, other resources as they are. */
export function scaleFor(resource) {
  if (resource === 'memory' || resource === 'ephemeral-storage' || resource.startsWith('hugepages-')) {
    return { factor: 1 / 2 ** 30, unit: 'GiB' };
  }
  if (resource === 'cpu') return { factor: 1, unit: 'cores' };
  return { factor: 1, unit: 'units' };
}

export function plural(count, word) {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Quantities for people: exact, in bigint (no float touches a quantity). The same conventions as the command line's
// tables (src/quantity.ts formatBytesReadably): bytes in the largest binary unit they reach, `~` when rounded; cpu
// in cores. The exact canonical string stays in the CSV and in the cell's title.
// ---------------------------------------------------------------------------------------------------------------

const NANOS = 1_000_000_000n;
const SUFFIX_NANOS = {
  n: 1n, u: 1000n, m: 1_000_000n, '': NANOS, k: 10n ** 12n, M: 10n ** 15n, G: 10n ** 18n, T: 10n ** 21n, P: 10n ** 24n, E: 10n ** 27n,
  Ki: 1024n * NANOS, Mi: 1024n ** 2n * NANOS, Gi: 1024n ** 3n * NANOS, Ti: 1024n ** 4n * NANOS, Pi: 1024n ** 5n * NANOS, Ei: 1024n ** 6n * NANOS,
};
const BINARY_UNITS = ['Ei', 'Pi', 'Ti', 'Gi', 'Mi', 'Ki'];

/** A canonical quantity string (`63500m`, `10599161072Ki`, `1e21`, `-4`) as nano-units, or null when it is not one. */
export function quantityNanos(text) {
  const match = /^([+-]?)(\d+)(?:\.(\d+))?(?:([numkMGTPE]|[KMGTPE]i)|[eE]([+-]?\d+))?$/.exec(String(text ?? ''));
  if (!match) return null;
  const [, sign, whole, fraction = '', suffix = '', exponent] = match;
  let nanos;
  if (exponent !== undefined) {
    const power = Number(exponent) + 9 - fraction.length;
    const digits = BigInt(whole + fraction);
    nanos = power >= 0 ? digits * 10n ** BigInt(power) : digits / 10n ** BigInt(-power);
  } else {
    const unit = SUFFIX_NANOS[suffix];
    const scale = 10n ** BigInt(fraction.length);
    nanos = (BigInt(whole + fraction) * unit) / scale;
  }
  return sign === '-' ? -nanos : nanos;
}

/** 1234567 -> `1,234,567` (bigint or integer string). */
function groupDigits(digits) {
  return String(digits).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** nanos as a decimal number of units, exact, thousands grouped: 63500000000000n -> `63,500`, 1500000000n -> `1.5`. */
function decimalOf(nanos) {
  const sign = nanos < 0n ? '-' : '';
  const size = nanos < 0n ? -nanos : nanos;
  const fraction = (size % NANOS).toString().padStart(9, '0').replace(/0+$/, '');
  return `${sign}${groupDigits(size / NANOS)}${fraction ? `.${fraction}` : ''}`;
}

/** Bytes for a table: `1.5Ti`, `~9.9Ti` (rounded half up to a tenth of the largest binary unit reached). */
function bytesText(nanos) {
  const sign = nanos < 0n ? '-' : '';
  const size = nanos < 0n ? -nanos : nanos;
  const suffix = BINARY_UNITS.find((unit) => size >= SUFFIX_NANOS[unit]);
  if (suffix === undefined) return `${sign}${decimalOf(size)}`;
  const unit = SUFFIX_NANOS[suffix];
  const tenths = (size * 10n + unit / 2n) / unit;
  const rounded = (size * 10n) % unit !== 0n;
  const whole = tenths / 10n;
  const fraction = tenths % 10n;
  return `${rounded ? '~' : ''}${sign}${groupDigits(whole)}${fraction === 0n && !rounded ? '' : `.${fraction}`}${suffix}`;
}

/** Whether a resource is counted in bytes (memory, storage, hugepages). */
export function isByteResource(resource) {
  return resource === 'memory' || resource === 'ephemeral-storage' || resource === 'storage' || String(resource).startsWith('hugepages-') || String(resource).endsWith('memory');
}

/**
 * A quantity of `resource` as people read it, every page alike: bytes in binary units (`~9.9Ti`), cpu in cores
 * (`63500m` -> `63.5`), other counts as decimal numbers (`1,024`). Text that is not a quantity (`unlimited`, `—`)
 * comes back as it is.
 */
export function quantityText(text, resource) {
  const nanos = quantityNanos(text);
  if (nanos === null) return text ?? '';
  // As the command line's tables: a canonical text that reads at a glance (at most four digits) stays as it is.
  if (isByteResource(resource)) return /^-?\d{1,4}[A-Za-z]*$/.test(text) ? text : bytesText(nanos);
  return decimalOf(nanos);
}

/** A signed change (`+8`, `-63500m`) in the same units as quantityText, keeping its sign. */
export function changeText(text, resource) {
  const nanos = quantityNanos(text);
  if (nanos === null) return text ?? '';
  return `${nanos > 0n ? '+' : ''}${quantityText(text, resource)}`;
}

/**
 * Hours (GPU-hours, hours above quota) for reading: grouped, with the precision a reader needs, `1617.000` ->
 * `1,617`, `12.345` -> `12.3`, `0.25` -> `0.25`. Hours are measured durations, not Kubernetes quantities.
 */
export function hoursText(value) {
  if (value === null || value === undefined || value === '') return '';
  const number = Number(value);
  if (!Number.isFinite(number)) return String(value);
  const digits = Math.abs(number) >= 100 ? 0 : Math.abs(number) >= 10 ? 1 : 2;
  return number.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

/** A count for headings: 1276 -> `1,276`. */
export function countText(count) {
  return groupDigits(count);
}
