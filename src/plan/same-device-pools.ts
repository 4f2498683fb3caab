/**
 * A plan must not divide two resources that count the same devices (`aws.amazon.com/neuron` and its alias
 * `aws.amazon.com/neurondevice`, or either and `aws.amazon.com/neuroncore`; src/inventory/same-devices.ts): each
 * pool would be given the devices' full capacity, so every device would be handed out twice.
 */
import { ValidationError } from '../errors.js';
import { sameDevicesAs } from '../inventory/same-devices.js';
import type { TeamSpec, TeamsFile } from './teams-file.js';
import { compareKeys } from '../text-order.js';

/** Throws a ValidationError naming both resources and where the file names each; returns when there is no such pair. */
export function refuseSameDevicePools(teams: TeamsFile): void {
  const firstWhere = new Map<string, string>();
  const visit = (team: TeamSpec): void => {
    for (const request of team.resources) if (!firstWhere.has(request.resource)) firstWhere.set(request.resource, request.where);
    team.teams.forEach(visit);
  };
  teams.teams.forEach(visit);
  for (const [resource, where] of [...firstWhere].sort(compareKeys)) {
    const other = sameDevicesAs(resource).find((name) => firstWhere.has(name) && name > resource);
    if (other === undefined) continue;
    throw new ValidationError(
      `${teams.file}: ${resource} (${where}) and ${other} (${firstWhere.get(other)}) count the same devices: ` +
        'dividing both would hand every device out twice; plan one of them',
      { file: teams.file, field: firstWhere.get(other) as string, value: other },
    );
  }
}
