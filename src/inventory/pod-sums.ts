/**
 * Pods' requests summed per group (a namespace, a node), kept current pod by pod for a watch: a pod added adds its
 * amounts, a pod removed takes them back (nanos in bigint: exact, whatever the order). Each sum is the value a fold
 * of the group's pods in key order gives (assemble.ts foldPod, what a collection stores): its resources in the order
 * they first appear, each in the format of the first pod that requests it, since Go's Quantity.Add keeps the left
 * operand's format unless that is zero. So per resource the first pod in key order that requests it is kept; when
 * that pod leaves, the next is found among the group's pods at the next `refresh`.
 *
 * That holds while every amount is positive. A group holding a zero or negative amount (a zero sum takes the next
 * pod's format) is folded again in key order at `refresh`, as every changed group was before: exact either way,
 * and rare (the API server refuses negative requests; an explicit zero request is unusual).
 */
import type { PodEntry } from '../kinds/pod.js';
import { quantityFromNanos } from '../quantity.js';
import type { ResourceList } from '../resources.js';
import { compareText } from '../text-order.js';
import { foldPod, type PodTotals } from './assemble.js';

/** One resource's sum over a group's pods. */
interface ResourceSum {
  nanos: bigint;
  /** How many of the group's pods request it. */
  pods: number;
  /** The first pod in key order that requests it; undefined once that pod left, until `refresh` finds the next. */
  first: string | undefined;
}

interface Group {
  members: Set<string>;
  sums: Map<string, ResourceSum>;
  /** Amounts of zero or less among the members' requests: while any, the group is folded in order. */
  notPositive: number;
  /** Members per reason they wait (queued pods only). */
  reasons: Map<string, number>;
}

export interface PodSumsOptions {
  /** Every pod held, by key: the members' entries. */
  pods: ReadonlyMap<string, PodEntry>;
  /** What a pod adds to this grouping (its quota requests, or the scheduler's). */
  requests(pod: PodEntry): ResourceList;
  /** Why a pod waits, counted per group (queued demand). */
  reason?(pod: PodEntry): string | undefined;
}

export class PodSums {
  private readonly groups = new Map<string, Group>();
  private readonly changed = new Set<string>();
  /** Each group's totals as of the last `refresh`. */
  readonly totals = new Map<string, PodTotals>();

  constructor(private readonly options: PodSumsOptions) {}

  /** Adds `pod` (held under `podKey`, not yet a member) to `group`. */
  add(group: string, podKey: string, pod: PodEntry): void {
    let entry = this.groups.get(group);
    if (entry === undefined) {
      entry = { members: new Set(), sums: new Map(), notPositive: 0, reasons: new Map() };
      this.groups.set(group, entry);
    }
    entry.members.add(podKey);
    const requests = this.options.requests(pod);
    for (const name in requests) {
      const amount = (requests[name] as ResourceList[string]).nanos;
      if (amount <= 0n) entry.notPositive += 1;
      const sum = entry.sums.get(name);
      if (sum === undefined) {
        entry.sums.set(name, { nanos: amount, pods: 1, first: podKey });
        continue;
      }
      sum.nanos += amount;
      sum.pods += 1;
      if (sum.first !== undefined && podKey < sum.first) sum.first = podKey;
    }
    const reason = this.options.reason?.(pod);
    if (reason !== undefined) entry.reasons.set(reason, (entry.reasons.get(reason) ?? 0) + 1);
    this.changed.add(group);
  }

  /** Takes back what `pod` (a member under `podKey`, the entry it was added with) added to `group`. */
  delete(group: string, podKey: string, pod: PodEntry): void {
    const entry = this.groups.get(group);
    if (entry === undefined || !entry.members.delete(podKey)) return;
    this.changed.add(group);
    if (entry.members.size === 0) {
      this.groups.delete(group);
      return;
    }
    const requests = this.options.requests(pod);
    for (const name in requests) {
      const amount = (requests[name] as ResourceList[string]).nanos;
      if (amount <= 0n) entry.notPositive -= 1;
      const sum = entry.sums.get(name) as ResourceSum;
      sum.pods -= 1;
      if (sum.pods === 0) entry.sums.delete(name);
      else {
        sum.nanos -= amount;
        if (sum.first === podKey) sum.first = undefined;
      }
    }
    const reason = this.options.reason?.(pod);
    if (reason !== undefined) {
      const count = (entry.reasons.get(reason) ?? 0) - 1;
      if (count > 0) entry.reasons.set(reason, count);
      else entry.reasons.delete(reason);
    }
  }

  /** Brings `totals` up to date for the groups changed since the last call. */
  refresh(): void {
    for (const name of this.changed) {
      const group = this.groups.get(name);
      if (group === undefined) this.totals.delete(name);
      else this.totals.set(name, group.notPositive > 0 ? this.folded(name, group) : this.summed(group));
    }
    this.changed.clear();
  }

  /** The totals from the kept sums: each resource placed and formatted by the first pod that requests it. */
  private summed(group: Group): PodTotals {
    const { pods, requests: requestsOf } = this.options;
    const lost = [...group.sums].filter(([, sum]) => sum.first === undefined);
    if (lost.length > 0) {
      for (const key of group.members) {
        const requests = requestsOf(pods.get(key) as PodEntry);
        for (const [name, sum] of lost) {
          if (requests[name] !== undefined && (sum.first === undefined || key < sum.first)) sum.first = key;
        }
      }
    }
    const placed = [...group.sums].map(([name, sum]) => {
      const first = requestsOf(pods.get(sum.first as string) as PodEntry);
      return { name, nanos: sum.nanos, pod: sum.first as string, at: Object.keys(first).indexOf(name), format: (first[name] as ResourceList[string]).format };
    });
    placed.sort((a, b) => compareText(a.pod, b.pod) || a.at - b.at);
    const requests: ResourceList = {};
    for (const { name, nanos, format } of placed) requests[name] = quantityFromNanos(nanos, format);
    const totals: PodTotals = { requests, pods: group.members.size };
    if (group.reasons.size > 0) totals.reasons = Object.fromEntries(group.reasons);
    return totals;
  }

  /** The fold of the group's pods in key order, as a collection sums them. */
  private folded(name: string, group: Group): PodTotals {
    const sums = new Map<string, PodTotals>();
    for (const key of [...group.members].sort(compareText)) {
      const pod = this.options.pods.get(key) as PodEntry;
      foldPod(sums, name, this.options.requests(pod), this.options.reason?.(pod));
    }
    return sums.get(name) as PodTotals;
  }
}
