/**
 * Folds cluster objects into a ClusterInventory in one pass. Pods are reduced to their effective request the
 * moment they arrive and summed, nothing else of them is kept, so a collector can stream 150,000 pods through it.
 * Every other kind keeps its facts by key (kinds/registry.ts), a later object with the same key replacing the
 * earlier. The LiveInventory (live-inventory.ts) gives the same value where objects also change and go away.
 */
import type { AnyKind } from '../kinds/kind.js';
import { podEntry, type PodEntry } from '../kinds/pod.js';
import { registry as quotaplanKinds, type KindRegistry, type KubeObject } from '../kinds/registry.js';
import { InternalError } from '../errors.js';
import { assembleInventory, claimsInUse, foldPod, type PodTotals } from './assemble.js';
import type { PodObject } from './objects.js';
import type { ClusterInventory } from './types.js';

export class InventoryBuilder {
  private readonly facts = new Map<AnyKind, Map<string, unknown>>();
  /**
   * Every pod's entry by key (`namespace/name`), in the order read (null: terminal, counted nowhere), and the key
   * of each uid: a pod listed twice, under one name or under one uid, counts once (the last one), as nodes do.
   */
  private readonly pods = new Map<string, PodEntry | null>();
  private readonly podUids = new Map<string, string>();
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
    // One policy for every kind, the one nodes always had: the last object of a key is kept, with a warning.
    if (byKey.has(key)) this.warnings.push(`${object.kind.toLowerCase()} ${key.replace('\u0000', '/')}: listed twice; the last one is kept`);
    byKey.set(key, facts);
  }

  /**
   * Keeps a pod's effective request for its namespace (what quota charges) and, when bound, its node (what the
   * scheduler counts; they differ only during a pod-level in-place resize). Terminal pods count nowhere. A pod
   * listed twice, by `namespace/name` or by uid, counts once: the last one read, with a warning (before, every
   * copy was summed).
   */
  private addPod(pod: PodObject): void {
    const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
    if (this.pods.has(key)) {
      this.warnings.push(`pod ${key}: listed twice; the last one is kept`);
      this.pods.delete(key); // set again below, in its new place
    }
    const uid = pod.metadata.uid;
    if (uid !== undefined) {
      const earlier = this.podUids.get(uid);
      if (earlier !== undefined && earlier !== key && this.pods.has(earlier)) {
        this.warnings.push(`pod ${key}: same uid ${uid} as pod ${earlier}, listed earlier; the last one is kept`);
        this.pods.delete(earlier);
      }
      this.podUids.set(uid, key);
    }
    this.pods.set(key, podEntry(pod));
  }

  build(): ClusterInventory {
    const namespaceTotals = new Map<string, PodTotals>();
    const nodeTotals = new Map<string, PodTotals>();
    const queuedTotals = new Map<string, PodTotals>();
    for (const entry of this.pods.values()) {
      if (entry === null) continue;
      foldPod(namespaceTotals, entry.namespace, entry.quota);
      if (entry.nodeName !== undefined) foldPod(nodeTotals, entry.nodeName, entry.scheduler);
      else foldPod(queuedTotals, entry.namespace, entry.quota, entry.queuedReason);
    }
    return assembleInventory({
      kinds: this.kinds,
      facts: (kind) => this.facts.get(kind) ?? new Map(),
      namespaceTotals,
      nodeTotals,
      queuedTotals,
      claimsInUse: claimsInUse(this.pods),
      warnings: this.warnings,
    });
  }
}
