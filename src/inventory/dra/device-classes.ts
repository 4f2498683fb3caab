/**
 * Which devices each DeviceClass selects: its CEL selectors evaluated on every device of the complete pools, as
 * the scheduler's structured allocator does (k8s.io/dynamic-resource-allocation/structured, selectorsMatch: the
 * selectors in order, all must be true, the first false ends it). Where the allocator fails with a "CEL runtime
 * error", the device is not counted for that class and a warning says so; a selector quotaplan cannot evaluate
 * (a function outside cel-environment.ts) counts no device for its class, with a warning naming class and
 * expression. Nothing is guessed.
 */
import type { ParseResult } from '@marcbachmann/cel-js';
import { compareText } from '../../text-order.js';
import { quoted } from '../../terminal-text.js';
import { celDevice, draEnvironment, type CelDevice } from './cel-environment.js';
import type { DevicePool } from './pools.js';
import type { DeviceClassFacts, DeviceFacts } from './types.js';

/** A device as allocation results name it: `<driver>/<pool>/<device>` (driver and device names hold no `/`). */
export function deviceKey(driver: string, pool: string, device: string): string {
  return `${driver}/${pool}/${device}`;
}

export interface ClassMembers {
  /** Class name -> keys (deviceKey) of the devices it selects, for every class read (empty when none). */
  members: Map<string, Set<string>>;
  /** Classes whose selectors quotaplan cannot evaluate: they select no device here. */
  unsupported: Set<string>;
  warnings: string[];
}

interface CompiledClass {
  name: string;
  selectors: { expression: string; run: ParseResult }[];
}

/**
 * `<key> in device.attributes` (or `.capacity`): Kubernetes reads an unknown domain as an empty map but its
 * membership as false; quotaplan's maps cannot tell the two apart (cel-environment.ts domainMap), so this form is
 * not evaluated. Membership in one domain's map (`"x" in device.attributes["d"]`) is.
 */
const OUTER_MAP_MEMBERSHIP = /\bin\s+device\s*\.\s*(attributes|capacity)\b(?!\s*[[.])/;

/** Why quotaplan cannot evaluate a selector, or null when it can. */
function problemOf(expression: string): string | null {
  if (OUTER_MAP_MEMBERSHIP.test(expression)) return '`in` on device.attributes or device.capacity itself is not supported';
  try {
    const checked = draEnvironment().check(expression);
    if (!checked.valid) return checked.error?.message ?? 'does not type-check';
    // compile.go: the result must be bool or unknown (an attribute may be a bool).
    if (checked.type !== 'bool' && checked.type !== 'dyn') return `must evaluate to bool, not ${checked.type}`;
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

/** A class's selectors compiled, or why they cannot be evaluated. */
function compile(deviceClass: DeviceClassFacts): CompiledClass | string {
  const selectors: CompiledClass['selectors'] = [];
  for (const expression of deviceClass.selectors) {
    const problem = problemOf(expression);
    if (problem !== null) {
      return (
        `DeviceClass ${deviceClass.name}: selector ${quoted(expression)} cannot be evaluated by quotaplan ` +
        `(${firstLine(problem)}); no device is counted for this class`
      );
    }
    selectors.push({ expression, run: draEnvironment().parse(expression) });
  }
  return { name: deviceClass.name, selectors };
}

/** The first line of a library message (cel-js adds the expression with a caret below it). */
function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}

interface Failure {
  count: number;
  first: string;
  message: string;
}

/** Evaluates every class on every device of the complete pools. */
export function matchDeviceClasses(classes: readonly DeviceClassFacts[], pools: readonly DevicePool[]): ClassMembers {
  const members = new Map<string, Set<string>>();
  const unsupported = new Set<string>();
  const warnings: string[] = [];
  const compiled: CompiledClass[] = [];
  for (const deviceClass of [...classes].sort((a, b) => compareText(a.name, b.name))) {
    members.set(deviceClass.name, new Set());
    const result = compile(deviceClass);
    if (typeof result === 'string') {
      unsupported.add(deviceClass.name);
      warnings.push(result);
    } else compiled.push(result);
  }
  // class name + selector index -> failures, reported once per selector.
  const failures = new Map<string, Failure>();
  const fail = (className: string, expression: string, key: string, message: string): void => {
    const id = `${className}\u0000${expression}`;
    const seen = failures.get(id);
    if (seen === undefined) failures.set(id, { count: 1, first: key, message });
    else seen.count += 1;
  };
  for (const pool of pools) {
    for (const slice of pool.slices) {
      for (const device of slice.devices) {
        const key = deviceKey(pool.driver, pool.name, device.name);
        const input = deviceInput(pool.driver, device);
        for (const deviceClass of compiled) {
          if (typeof input === 'string') {
            for (const s of deviceClass.selectors.slice(0, 1)) fail(deviceClass.name, s.expression, key, input);
            continue;
          }
          const verdict = selects(deviceClass, input);
          if (verdict === true) members.get(deviceClass.name)?.add(key);
          else if (verdict !== false) fail(deviceClass.name, verdict.expression, key, verdict.message);
        }
      }
    }
  }
  for (const [id, failure] of [...failures].sort((a, b) => compareText(a[0], b[0]))) {
    const [className, expression] = id.split('\u0000') as [string, string];
    warnings.push(
      `DeviceClass ${className}: selector ${quoted(expression)} failed on ${failure.count} device(s) ` +
        `(first ${failure.first}: ${firstLine(failure.message)}); the scheduler cannot allocate them through this class, they are not counted for it`,
    );
  }
  return { members, unsupported, warnings };
}

function deviceInput(driver: string, device: DeviceFacts): CelDevice | string {
  try {
    return celDevice(driver, device);
  } catch (error) {
    return (error as Error).message;
  }
}

/** true / false, or the selector that failed and why. */
function selects(deviceClass: CompiledClass, device: CelDevice): boolean | { expression: string; message: string } {
  for (const selector of deviceClass.selectors) {
    let result: unknown;
    try {
      result = selector.run({ device });
    } catch (error) {
      return { expression: selector.expression, message: (error as Error).message };
    }
    if (result === false) return false;
    if (result !== true) return { expression: selector.expression, message: `evaluated to ${quoted(String(result))}, not a bool` };
  }
  return true;
}
