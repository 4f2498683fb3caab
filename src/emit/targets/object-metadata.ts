/** What every emitted object carries (labels, annotations) and how its quantities are written. */
import { formatQuantity, type Quantity } from '../../quantity.js';
import { sortedNames, type ResourceList } from '../../resources.js';
import { compareText } from '../../text-order.js';
import { MANAGED_BY_LABEL, MANAGER, type QuotaChangeSet } from '../change-set.js';

const CYCLE_LABEL = 'quotaplan.io/cycle';
const CYCLE_ANNOTATION = 'quotaplan.io/cycle';
const PLAN_ANNOTATION = 'quotaplan.io/plan';
const TEAM_ANNOTATION = 'quotaplan.io/team';

/** Labels and annotations of every object quotaplan writes (team '' for cluster-wide objects: no team annotation). */
export function metadataFor(
  changes: Pick<QuotaChangeSet, 'cycle' | 'planId'>,
  team: string,
): { labels: Record<string, string>; annotations: Record<string, string> } {
  const labels: Record<string, string> = { [MANAGED_BY_LABEL]: MANAGER };
  if (isLabelValue(changes.cycle)) labels[CYCLE_LABEL] = changes.cycle;
  return {
    labels: sortRecord(labels),
    annotations: sortRecord({
      [CYCLE_ANNOTATION]: changes.cycle,
      [PLAN_ANNOTATION]: changes.planId,
      ...(team === '' ? {} : { [TEAM_ANNOTATION]: team }),
    }),
  };
}

/** A resource list as a manifest writes it: names sorted, canonical quantity strings. */
export function formatList(list: ResourceList): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of sortedNames(list)) out[name] = formatQuantity(list[name] as Quantity);
  return out;
}

/** A valid label value: at most 63 characters, alphanumeric at both ends, `-_.` inside. */
function isLabelValue(value: string): boolean {
  return value.length <= 63 && /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/.test(value);
}

function sortRecord(record: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(record).sort(compareText)) out[key] = record[key] as string;
  return out;
}
