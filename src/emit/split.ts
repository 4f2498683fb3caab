/**
 * Splitting one team's quota across its namespaces so the parts sum exactly to the whole.
 *
 * Largest remainder (Hamilton) in whole units: floor each exact share, then hand the leftover units by largest
 * fractional part, ties to the namespace name ascending. Exact in bigint: a share is `units * weight / totalWeight`.
 */
import { quantityFromNanos, type Quantity } from '../quantity.js';
import { compareText } from '../text-order.js';

export interface SplitPart {
  namespace: string;
  /** Non-negative; zero weights get nothing unless every weight is zero (then the split is even). */
  weight: bigint;
}

export interface SplitOptions {
  total: Quantity;
  parts: readonly SplitPart[];
  /** The unit handed out, in nanos (1 GPU = 1_000_000_000n). Must divide total.nanos. */
  unitNanos: bigint;
}

/** The split as namespace -> quantity (same format as total), in namespace order. */
export function splitQuota(options: SplitOptions): Map<string, Quantity> {
  const { total, unitNanos } = options;
  if (unitNanos <= 0n || total.nanos % unitNanos !== 0n) {
    throw new RangeError(`splitQuota: unit ${unitNanos} nanos does not divide ${total.nanos} nanos`);
  }
  const parts = [...options.parts].sort((a, b) => compareText(a.namespace, b.namespace));
  const out = new Map<string, Quantity>();
  if (parts.length === 0) return out;
  const units = total.nanos / unitNanos;
  const allZero = parts.every((part) => part.weight === 0n);
  const weights = parts.map((part) => (allZero ? 1n : part.weight));
  const totalWeight = weights.reduce((sum, w) => sum + w, 0n);

  const floors = weights.map((w) => (units * w) / totalWeight);
  const remainders = weights.map((w) => (units * w) % totalWeight);
  let leftover = units - floors.reduce((sum, f) => sum + f, 0n);
  const order = parts
    .map((_, index) => index)
    .sort((a, b) => {
      const byRemainder = (remainders[b] as bigint) - (remainders[a] as bigint);
      if (byRemainder !== 0n) return byRemainder > 0n ? 1 : -1;
      return compareText((parts[a] as SplitPart).namespace, (parts[b] as SplitPart).namespace);
    });
  for (const index of order) {
    if (leftover === 0n) break;
    floors[index] = (floors[index] as bigint) + 1n;
    leftover -= 1n;
  }
  parts.forEach((part, index) => {
    out.set(part.namespace, quantityFromNanos((floors[index] as bigint) * unitNanos, total.format));
  });
  return out;
}

const nanosPerUnit = 1_000_000_000n;

/**
 * The unit a resource's quota is split in: whole GPUs for extended resources, whole cores (else millicores) for cpu,
 * Gi (else Mi, else bytes) for memory and storage; always one that divides the total.
 */
export function splitUnitOf(resource: string, total: Quantity): bigint {
  const candidates =
    resource === 'cpu'
      ? [nanosPerUnit, nanosPerUnit / 1000n]
      : resource === 'memory' || resource === 'ephemeral-storage' || resource.startsWith('hugepages-')
        ? [1024n ** 3n * nanosPerUnit, 1024n ** 2n * nanosPerUnit, nanosPerUnit]
        : [nanosPerUnit, nanosPerUnit / 1000n];
  for (const unit of candidates) if (total.nanos % unit === 0n) return unit;
  return 1n;
}

