/**
 * `quotaplan rbac [--write | --watch] [--service-account NS/NAME | --user NAME | --group NAME]`: prints the least
 * privilege quotaplan needs as a ClusterRole + ClusterRoleBinding (YAML, ready for `kubectl apply -f -`).
 * Without --write: the read-only role `collect` needs (`list`); with --watch, the one `collect --watch` needs
 * (`list` and `watch`). With --write: the role `apply` needs, on its own.
 */
import { Command, Option } from 'commander';
import { stringify } from 'yaml';
import { ValidationError } from '../errors.js';
import { rbacManifests, type RbacManifestOptions, type RbacSubject } from '../collect/permissions.js';

export interface RbacFlags {
  write?: boolean;
  watch?: boolean;
  serviceAccount?: string;
  user?: string;
  group?: string;
}

/** The default subject: a `quotaplan` ServiceAccount in a `quotaplan` namespace (for an in-cluster CronJob). */
export const defaultServiceAccount = 'quotaplan/quotaplan';

export function rbacCommand(): Command {
  return new Command('rbac')
    .addOption(new Option('--write', 'print the permissions `quotaplan apply` needs instead of the read-only ones').default(false).conflicts('watch'))
    .addOption(new Option('--watch', 'the read-only permissions of `collect --watch`: `watch` beside `list` on every resource').default(false))
    .addOption(
      new Option('--service-account <namespace/name>', `bind to this ServiceAccount (default ${defaultServiceAccount})`).conflicts([
        'user',
        'group',
      ]),
    )
    .addOption(new Option('--user <name>', 'bind to this user').conflicts(['serviceAccount', 'group']))
    .addOption(new Option('--group <name>', 'bind to this group').conflicts(['serviceAccount', 'user']))
    // addCommand does not copy the program's settings: without these a bad flag would exit 1 from commander.
    .showHelpAfterError()
    .exitOverride()
    .action((flags: RbacFlags) => {
      process.stdout.write(renderRbac(flags));
    });
}

/** The YAML `quotaplan rbac` prints for `flags`. */
export function renderRbac(flags: RbacFlags): string {
  if (flags.write === true && flags.watch === true) throw new ValidationError('--write and --watch are two different roles: print one at a time', { field: '--watch' });
  const options: RbacManifestOptions = { role: flags.write ? 'apply' : 'collect', subject: subjectOf(flags), watch: flags.watch };
  const purpose =
    options.role === 'apply'
      ? '# Write permissions for `quotaplan apply`: server-side apply of quotas and limit ranges, patch of Profiles.'
      : flags.watch
        ? '# Read-only permissions for `quotaplan collect --watch`: one list and watch rule per resource it reads.'
        : '# Read-only permissions for `quotaplan collect` (one-shot): one list rule per resource it reads.';
  const documents = rbacManifests(options).map((manifest) => stringify(manifest, { lineWidth: 0 }));
  return `${purpose}\n${documents.join('---\n')}`;
}

function subjectOf(flags: RbacFlags): RbacSubject {
  if (flags.user !== undefined) return { kind: 'User', name: nonEmpty(flags.user, '--user') };
  if (flags.group !== undefined) return { kind: 'Group', name: nonEmpty(flags.group, '--group') };
  const value = flags.serviceAccount ?? defaultServiceAccount;
  const match = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)\/([a-z0-9]([-.a-z0-9]*[a-z0-9])?)$/.exec(value);
  if (match === null) {
    throw new ValidationError(`--service-account must be NAMESPACE/NAME (lowercase DNS names), got "${value}"`, {
      field: '--service-account',
      value,
    });
  }
  return { kind: 'ServiceAccount', namespace: match[1] as string, name: match[3] as string };
}

function nonEmpty(value: string, field: string): string {
  if (value.trim() === '') throw new ValidationError(`${field} must not be empty`, { field, value });
  return value;
}
