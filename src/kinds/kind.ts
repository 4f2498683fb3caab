/**
 * One Kubernetes kind the collector reads, as data: how it is listed, how its wire form is decoded, how it is
 * validated, and what the inventory keeps of it. The registry (registry.ts) lists every kind; the collector, the
 * dump reader, the protobuf decoder, the RBAC rules, the InventoryBuilder and the LiveInventory all read it, so a
 * new kind is one module here (docs/architecture.md, "Adding a kind").
 */
import type { z } from 'zod';
import type { ValidatedObject } from './validated.js';

/** How the collector lists a kind: one cluster-wide LIST, granted by one RBAC rule with the verb `list`. */
export interface ListedAs {
  /** `v1` for core, else `group/version`. Items in a List answer carry no kind or apiVersion: the list sets them. */
  apiVersion: string;
  /** The RBAC API group ('' for core) and plural resource. */
  group: string;
  resource: string;
  namespaced: boolean;
  fieldSelector?: string;
  /** A custom resource whose CRD may be absent: 404 means "none", not an error. */
  optional?: boolean;
}

/**
 * Where the kind's protobuf messages are: `src/collect/proto/<file>.proto`, package `package` (the Go package's
 * proto package, e.g. `k8s.io.api.core.v1`), messages `<Kind>` and `<Kind>List`. Custom resources have no protobuf
 * form: the API server answers them in JSON.
 */
export interface ProtobufForm<O = unknown> {
  file: string;
  package: string;
  /**
   * A reader of one object (an item of a LIST) straight from its bytes, `buffer[start, end)`: it returns exactly
   * what decoding those bytes by the .proto and validating them by `read` or `schema` would, or undefined to leave
   * the object to that path (which then accepts it or says what is wrong); marked as validated (validated.ts). Pods
   * have one: most of a cluster's bytes.
   */
  read?(buffer: Buffer, start: number, end: number): (O & ValidatedObject) | undefined;
}

/**
 * What the inventory keeps of a kind: `key` is an object's identity (a later object with the same key replaces
 * it; the snapshot lists facts in key order), `facts` the part kept (null: nothing, e.g. a terminal pod).
 * `field` names the ClusterInventory list the facts become, for kinds whose facts are listed as they are; Node,
 * Namespace and Pod have none (their facts are combined: pods' requests are summed into namespaces and nodes).
 */
export interface InventoryForm<O, F> {
  key(object: O): string;
  facts(object: O): F | null;
  field?: string;
  /** Warnings about one object's facts, in the snapshot after the node and pod warnings, in key order. */
  warnings?(facts: F): string[];
}

export interface ObjectKind<O extends { kind: string } = { kind: string }, F = unknown> {
  /** quotaplan's name of the kind, unique in the registry (what its schema's output says). */
  kind: O['kind'];
  /**
   * The kind as the API and dumps name it, where two groups share one name (KAI's and Volcano's `Queue`: the
   * registry calls them `KaiQueue` and `VolcanoQueue`); an object of it is told apart by its apiVersion's group.
   */
  apiKind?: string;
  list: ListedAs;
  protobuf: ProtobufForm<O> | null;
  /** The parts of an object quotaplan reads, validated (zod); everything else is dropped. */
  schema: z.ZodType<O>;
  /** A faster reader that accepts exactly what `schema` accepts and gives up (undefined) on anything else. */
  read?(raw: Record<string, unknown>): O | undefined;
  /** Listed after every other kind and folded as it streams in, never held (pods: most of a cluster's objects). */
  streamed?: boolean;
  inventory: InventoryForm<O, F>;
}

/**
 * A kind with its object and facts types erased, as the registry holds it: ObjectKind is invariant in both (they
 * are read and written), so no narrower type admits every kind. Code that holds one passes only what the kind
 * itself produced (its `schema`'s output to its `inventory`, its `facts` back to its `warnings`).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyKind = ObjectKind<any, any>;

/** Declares a kind with its object and facts types checked against each other. */
export function objectKind<O extends { kind: string }, F>(kind: ObjectKind<O, F>): ObjectKind<O, F> {
  return kind;
}
