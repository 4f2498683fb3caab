/**
 * One pool (resource, flavor) as the planner divides it: capacity, reserve, granularity, the whole units the
 * top level divides, and makers of the quantities its allocations hold (small counts made once and shared;
 * quantities are frozen values, so sharing them is safe).
 */
import { ConflictError } from '../errors.js';
import type { ResourceListByFlavor } from '../inventory/types.js';
import {
  compareQuantities,
  formatQuantity,
  multiplyQuantity,
  quantityFromNanos,
  subtractQuantities,
  unitsOf,
  ZERO_QUANTITY,
  type Quantity,
} from '../quantity.js';
import type { ResourceList } from '../resources.js';
import type { PoolKey } from './claims.js';
import { granularityOf, type TeamsFile } from './teams-file.js';

export interface PoolState extends PoolKey {
  capacity: Quantity;
  reserve: Quantity;
  granularity: Quantity;
  /** Whole granularity units the top level divides. */
  units: bigint;
  /** capacity - reserve below one granularity unit: never divided. */
  remainder: Quantity;
  /** units x granularity. */
  quantityOf: (units: bigint) => Quantity;
  /** The same for a count held in a JS number (a safe integer). */
  quantityOfCount: (units: number) => Quantity;
  /** A quantity of this many nanos in the pool's format. */
  quantityOfNanos: (nanos: bigint) => Quantity;
  /** formatQuantity(quantityOf(units)), remembered for small counts. */
  formatUnits: (units: bigint) => string;
  /** formatQuantity(q), remembered for the quantities this pool shares (see quantityOfCount). */
  formatShared: (q: Quantity) => string;
  /** formatQuantity(granularity). */
  granularityText: string;
}

export function poolState(
  teams: TeamsFile,
  inventory: { plannable: ResourceList; plannableByFlavor: ResourceListByFlavor },
  pool: PoolKey,
): PoolState {
  const capacity =
    (pool.flavor === null
      ? inventory.plannable[pool.resource]
      : inventory.plannableByFlavor[pool.resource]?.[pool.flavor]) ?? ZERO_QUANTITY;
  const reserve =
    teams.reserve.find((r) => r.resource === pool.resource && r.flavor === pool.flavor)?.amount ?? ZERO_QUANTITY;
  const granularity = granularityOf(teams, pool.resource);
  if (compareQuantities(reserve, capacity) > 0) {
    throw new ConflictError(
      `infeasible plan: ${teams.file}: reserve of ${describePool(pool)} is ${formatQuantity(reserve)}, ` +
        `above the plannable capacity ${formatQuantity(capacity)}`,
    );
  }
  const dividable = subtractQuantities(capacity, reserve);
  const units = unitsOf(dividable, granularity, 'floor');
  const zero = quantityFromNanos(0n, granularity.format);
  const ofCount = countQuantities(granularity);
  const unit = granularity.nanos;
  return {
    ...pool,
    capacity,
    reserve,
    granularity,
    units,
    remainder: subtractQuantities(dividable, multiplyQuantity(granularity, units)),
    quantityOf: (n) => (n >= 0n && n < BigInt(SHARED_COUNTS) ? ofCount(Number(n)) : multiplyQuantity(granularity, n)),
    quantityOfCount: ofCount,
    quantityOfNanos: (nanos) => {
      if (nanos === 0n) return zero;
      // A whole number of units is the same value and format as units x granularity: share it.
      if (unit > 0n && nanos > 0n && nanos % unit === 0n && nanos / unit < BigInt(SHARED_COUNTS)) return ofCount(Number(nanos / unit));
      return quantityFromNanos(nanos, granularity.format);
    },
    formatUnits: unitsFormatter(granularity),
    formatShared: sharedFormatter(),
    granularityText: formatQuantity(granularity),
  };
}

export function describePool(pool: { resource: string; flavor: string | null }): string {
  return pool.flavor === null ? pool.resource : `${pool.resource} (flavor ${pool.flavor})`;
}

/** Counts below this share one Quantity per pool. */
const SHARED_COUNTS = 1024;

function countQuantities(granularity: Quantity): (units: number) => Quantity {
  const made: (Quantity | undefined)[] = new Array<Quantity | undefined>(SHARED_COUNTS);
  return (units) => {
    if (units >= SHARED_COUNTS) return multiplyQuantity(granularity, BigInt(units));
    let quantity = made[units];
    if (quantity === undefined) made[units] = quantity = multiplyQuantity(granularity, BigInt(units));
    return quantity;
  };
}

function unitsFormatter(granularity: Quantity): (units: bigint) => string {
  const known: string[] = [];
  return (units) => {
    if (units < 0n || units >= 4096n) return formatQuantity(multiplyQuantity(granularity, units));
    const index = Number(units);
    return (known[index] ??= formatQuantity(multiplyQuantity(granularity, units)));
  };
}

function sharedFormatter(): (q: Quantity) => string {
  const known = new Map<Quantity, string>();
  return (q) => {
    let text = known.get(q);
    if (text === undefined) {
      text = formatQuantity(q);
      if (known.size < 4 * SHARED_COUNTS) known.set(q, text);
    }
    return text;
  };
}
