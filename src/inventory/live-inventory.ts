/**
 * An inventory kept current object by object, for a watch: `upsert` adds an object or replaces the one with its
 * key, `remove` takes it away, and `snapshot()` gives the ClusterInventory the InventoryBuilder gives for the
 * objects it holds (like Kueue's cache and its `Snapshot()`; pkg/cache/scheduler). Each kind's key and facts come
 * from the registry (kinds/registry.ts).
 *
 * Pods are kept one by one (a removal must take back exactly what the pod added), and each namespace's and node's
 * sum is kept current pod by pod (pod-sums.ts): a snapshot costs what changed, not a fold of every pod. A sum is
 * the value a fold in pod key order (`namespace/name`, the order the API server lists them) gives, so its quantity
 * formats (Go's Add keeps the left operand's) are the ones a collection gives whatever order the events came in.
 *
 * A snapshot shares the facts of unchanged objects with the inventory and with earlier snapshots, frozen
 * (frozen-facts.ts): a node or namespace that did not change is the very object of the last snapshot, which the
 * store recognises without encoding it. Read a snapshot, never change it.
 */
import { InternalError } from '../errors.js';
import type { AnyKind } from '../kinds/kind.js';
import type { PodEntry } from '../kinds/pod.js';
import { registry as quotaplanKinds, type KindRegistry, type KubeObject } from '../kinds/registry.js';
import { assembleInventory, claimsInUse } from './assemble.js';
import { freezeFacts, KeptFacts } from './frozen-facts.js';
import { PodSums } from './pod-sums.js';
import type { ClusterInventory, NamespaceFacts, NodeFacts } from './types.js';

export class LiveInventory {
  private readonly facts = new Map<AnyKind, Map<string, unknown>>();
  private readonly pods = new Map<string, PodEntry>();
  /** The pods that name a ResourceClaim or keep their uid (an extended resource), in the order of `pods`: the only ones claimsInUse reads. */
  private readonly claimingPods = new Map<string, PodEntry>();
  private readonly byNamespace = new PodSums({ pods: this.pods, requests: (pod) => pod.quota });
  private readonly byNode = new PodSums({ pods: this.pods, requests: (pod) => pod.scheduler });
  /** Pods not bound to a node yet, by namespace: queued demand, with why they wait. */
  private readonly queuedByNamespace = new PodSums({ pods: this.pods, requests: (pod) => pod.quota, reason: (pod) => pod.queuedReason });
  private readonly podKind: AnyKind | undefined;
  /** The nodes and namespaces of the last snapshot, handed out again while they did not change. */
  private readonly keptNodes = new KeptFacts<NodeFacts>((node) => node.name);
  private readonly keptNamespaces = new KeptFacts<NamespaceFacts>((ns) => ns.name);

  constructor(private readonly kinds: KindRegistry = quotaplanKinds) {
    this.podKind = kinds.byKind('Pod');
  }

  /** Adds `object`, or replaces the object of its kind with its key. A pod that ended (terminal) is removed. */
  upsert(object: KubeObject): void {
    const kind = this.kindOf(object);
    const key = kind.inventory.key(object) as string;
    const facts = kind.inventory.facts(object) as unknown;
    if (kind === this.podKind) {
      this.removePod(key);
      if (facts !== null) this.addPod(key, facts as PodEntry);
      return;
    }
    const byKey = this.factsOf(kind);
    if (facts === null) byKey.delete(key);
    else {
      // Snapshots share it until its next event: frozen, so nothing changes it meanwhile.
      freezeFacts(facts);
      byKey.set(key, facts);
    }
  }

  /** Removes the object of `object`'s kind with its key; nothing when there is none. */
  remove(object: KubeObject): void {
    const kind = this.kindOf(object);
    this.removeKey(kind.kind, kind.inventory.key(object) as string);
  }

  /** The keys of the objects of kind `kindName` held, in no particular order (a re-list drops those it did not see). */
  keysOf(kindName: string): string[] {
    const kind = this.kindNamed(kindName);
    return [...(kind === this.podKind ? this.pods.keys() : this.factsOf(kind).keys())];
  }

  /**
   * What is held of kind `kindName`, by key: each object's facts (a pod's PodEntry: namespace, node, requests, why it
   * waits), never the object itself. Read it, never change it (memory accounting and tests).
   */
  held(kindName: string): ReadonlyMap<string, unknown> {
    const kind = this.kindNamed(kindName);
    return kind === this.podKind ? this.pods : this.factsOf(kind);
  }

  /** Removes the object of kind `kindName` with `key`; nothing when there is none. */
  removeKey(kindName: string, key: string): void {
    const kind = this.kindNamed(kindName);
    if (kind === this.podKind) this.removePod(key);
    else this.factsOf(kind).delete(key);
  }

  snapshot(): ClusterInventory {
    this.byNamespace.refresh();
    this.byNode.refresh();
    this.queuedByNamespace.refresh();
    const inventory = assembleInventory({
      kinds: this.kinds,
      facts: (kind) => this.facts.get(kind) ?? new Map(),
      namespaceTotals: this.byNamespace.totals,
      nodeTotals: this.byNode.totals,
      queuedTotals: this.queuedByNamespace.totals,
      // Pods joined to their ResourceClaims: only the pods that name a claim or request an extended resource.
      claimsInUse: claimsInUse(this.claimingPods),
      warnings: [],
    });
    return { ...inventory, nodes: this.keptNodes.keep(inventory.nodes), namespaces: this.keptNamespaces.keep(inventory.namespaces) };
  }

  private kindOf(object: KubeObject): AnyKind {
    return this.kindNamed(object.kind);
  }

  private kindNamed(name: string): AnyKind {
    const kind = this.kinds.byKind(name);
    if (kind === undefined) throw new InternalError(`the inventory has no kind ${name}`);
    return kind;
  }

  private factsOf(kind: AnyKind): Map<string, unknown> {
    let byKey = this.facts.get(kind);
    if (byKey === undefined) {
      byKey = new Map();
      this.facts.set(kind, byKey);
    }
    return byKey;
  }

  private addPod(key: string, pod: PodEntry): void {
    this.pods.set(key, pod);
    if (pod.claims !== undefined || pod.uid !== undefined) this.claimingPods.set(key, pod);
    this.byNamespace.add(pod.namespace, key, pod);
    if (pod.nodeName !== undefined) this.byNode.add(pod.nodeName, key, pod);
    else this.queuedByNamespace.add(pod.namespace, key, pod);
  }

  private removePod(key: string): void {
    const pod = this.pods.get(key);
    if (pod === undefined) return;
    this.byNamespace.delete(pod.namespace, key, pod);
    if (pod.nodeName !== undefined) this.byNode.delete(pod.nodeName, key, pod);
    else this.queuedByNamespace.delete(pod.namespace, key, pod);
    this.pods.delete(key);
    this.claimingPods.delete(key);
  }
}

