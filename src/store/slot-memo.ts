/**
 * What both stores' blob writers keep per item of a keyed set (a node within one cluster's node set) from the last
 * committed save, and the one test of whether an item is still what was stored there, without encoding it.
 *
 * A frozen item (Object.isFrozen) is taken to be deeply immutable: the LiveInventory of `collect --watch` freezes,
 * all the way down, every fact it hands out and gives the same object again while an object did not change
 * (inventory/frozen-facts.ts). So the same frozen item as last time is the same value, recognised at the cost of one
 * comparison; and a value made of frozen parts is kept, frozen, to compare the next value with part by part (a node
 * whose pods changed has new usage but the same labels, capacity and devices: the same objects). Any other value is
 * walked beside the parsed text (codec.ts encodesAsTree). Before, every item of a watched 5,000-node cluster was
 * walked beside its text, and an item that had changed had its text parsed again first: most of a snapshot's save.
 */
import { freezeFacts, sameFacts } from '../inventory/frozen-facts.js';
import { encodesAsTree, parseEncoded, type EncodedTree } from './codec.js';

export interface SlotEntry {
  text: string;
  id: number;
  /** parseEncoded(text), made the first time a later save compares a value with it. */
  tree?: EncodedTree;
  /** The frozen item the text was last found for, when it was one. */
  item?: object;
  /** The value the text encodes, frozen all the way down, when it could be. */
  value?: unknown;
}

/** Whether `value`, stored for `item`, encodes to `entry.text`. */
export function unchangedSlot(entry: SlotEntry, value: unknown, item: object | undefined): boolean {
  const frozen = item !== undefined && Object.isFrozen(item);
  if (frozen && entry.item === item) return true;
  if (entry.value !== undefined) {
    if (!sameFacts(value, entry.value)) return false;
  } else {
    entry.tree ??= parseEncoded(entry.text);
    if (!encodesAsTree(value, entry.tree)) return false;
  }
  // Equal: the next save may recognise this item by identity.
  if (frozen) entry.item = item;
  return true;
}

/** The entry for a value just encoded to `text`: it keeps the item and the value when they are frozen through. */
export function slotEntry(text: string, id: number, value: unknown, item: object | undefined): SlotEntry {
  if (item === undefined || !Object.isFrozen(item)) return { text, id };
  return freezeFacts(value) ? { text, id, item, value } : { text, id, item };
}
