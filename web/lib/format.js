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

export function shortDate(ms) {
  return new Date(ms).toISOString().slice(5, 16).replace('T', ' ');
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

const BINARY = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };

/**
 * `10599161072Ki` -> `10599161072Ki (≈ 9.87 TiB)` for reading; the exact canonical string stays first (and alone in
 * CSV). Only binary-suffixed quantities are approximated.
 */
export function readableQuantity(text) {
  const match = /^(\d+)(Ki|Mi|Gi|Ti|Pi|Ei)$/.exec(text ?? '');
  if (!match) return text ?? '';
  const bytes = Number(match[1]) * BINARY[match[2]];
  const units = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${text} (≈ ${round(value, 2)} ${units[unit]})`;
}
