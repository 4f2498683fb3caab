/** What emitting flags for a reviewer: read by changes, limit-range, the scheduler targets and the PR body. */

export type FlagKind =
  | 'use-above-quota'
  | 'unenforced-key'
  | 'other-quota-limits'
  | 'flavor-not-enforceable'
  | 'profile-not-found'
  | 'namespace-not-found'
  | 'team-without-namespaces'
  | 'existing-limit-range'
  | 'zero-share'
  | 'synonym-key'
  | 'scheduler-cannot-express'
  | 'flavor-without-node-label';

/** Something a reviewer must see. `namespace` is absent for team-level flags; `team` is '' for cluster-wide ones. */
export interface Flag {
  kind: FlagKind;
  team: string;
  namespace?: string;
  key?: string;
  message: string;
}
