/** The options of one emit run (cluster, plan id, names and defaults), read by changes and limit-range. */
import type { Quantity } from '../quantity.js';

export interface EmitOptions {
  /** Cluster name: the folder of the GitOps tree (`clusters/<cluster>/...`). */
  cluster: string;
  /** Plan id, recorded in annotations. */
  planId: string;
  /** `--quota-name`: the ResourceQuota to write in every plain namespace (a team's own setting wins). */
  quotaName?: string;
  /** Quota name in a plain namespace when neither the team nor an existing quota names one. */
  defaultQuotaName?: string;
  limitRangeName?: string;
  /** Container defaultRequest for cpu / memory when a quota tracks them. */
  defaultRequests?: { cpu: Quantity; memory: Quantity };
}
