/**
 * Folds cluster objects into a ClusterInventory in one pass. Pods are reduced to their effective request the
 * moment they arrive and summed, nothing else of them is kept, so a collector can stream 150,000 pods through it.
 * Every other kind keeps its facts by key (kinds/registry.ts), a later object with the same key replacing the
 * earlier. The LiveInventory (live-inventory.ts) gives the same value where objects also change and go away.
 */
import type { AnyKind } from '../kinds/kind.js';
import { podEntry } from '../kinds/pod.js';
import { registry as quotaplanKinds, type KindRegistry, type KubeObject } from '../kinds/registry.js';
import { InternalError } from '../errors.js';
import { assembleInventory, foldPod, type PodTotals } from './assemble.js';
import type { PodObject } from './objects.js';
import type { ClusterInventory } from './types.js';

export class InventoryBuilder {
  private readonly facts = new Map<AnyKind, Map<string, unknown>>();
  private readonly namespaceTotals = new Map<string, PodTotals>();
  private readonly nodeTotals = new Map<string, PodTotals>();
  private readonly warnings: string[] = [];

  constructor(private readonly kinds: KindRegistry = quotaplanKinds) {}

  /** Adds any object of a registered kind. */
  add(object: KubeObject): void {
    if (object.kind === 'Pod') return this.addPod(object);
    const kind = this.kinds.byKind(object.kind);
    if (kind === undefined) throw new InternalError(`the inventory has no kind ${object.kind}`);
    const facts = kind.inventory.facts(object) as unknown;
    if (facts === null) return;
    const key = kind.inventory.key(object) as string;
    let byKey = this.facts.get(kind);
    if (byKey === undefined) {
      byKey = new Map();
      this.facts.set(kind, byKey);
    }
    if (object.kind === 'Node' && byKey.has(key)) this.warnings.push(`node ${key}: listed twice; the last one is kept`);
    byKey.set(key, facts);
  }

  /**
   * Adds a pod's effective request to its namespace (what quota charges) and, when bound, to its node (what the
   * scheduler counts; they differ only during a pod-level in-place resize). Terminal pods are ignored.
   */
  private addPod(pod: PodObject): void {
    const entry = podEntry(pod);
    if (entry === null) return;
    foldPod(this.namespaceTotals, entry.namespace, entry.quota);
    if (entry.nodeName !== undefined) foldPod(this.nodeTotals, entry.nodeName, entry.scheduler);
  }

  build(): ClusterInventory {
    return assembleInventory({
      kinds: this.kinds,
      facts: (kind) => this.facts.get(kind) ?? new Map(),
      namespaceTotals: this.namespaceTotals,
      nodeTotals: this.nodeTotals,
      warnings: this.warnings,
    });
  }
}
