/** Installs CRDs from YAML files (each file one or more CustomResourceDefinition documents) and waits until established. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadAllYaml, type V1CustomResourceDefinition } from '@kubernetes/client-node';
import type { KubeClients } from './clients.js';
import { waitUntil } from './wait.js';

/** Every `*.yaml` CRD in `dir`, created in file-name order; resolves when all are Established. Returns their names. */
export async function installCrdFolder(admin: KubeClients, dir: string, timeoutMs = 30_000): Promise<string[]> {
  const names: string[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort()) {
    // client-node's own reader: its typed models know `x-kubernetes-int-or-string` and the other extensions, which a
    // plain YAML object would lose when the client serializes it (the API server then refuses the schema).
    for (const crd of loadAllYaml(readFileSync(join(dir, file), 'utf8')) as (V1CustomResourceDefinition | null)[]) {
      if (crd === null || crd.kind !== 'CustomResourceDefinition') continue;
      await admin.apiextensions.createCustomResourceDefinition({ body: crd });
      names.push(crd.metadata?.name ?? file);
    }
  }
  for (const name of names) {
    await waitUntil(`CRD ${name} Established`, timeoutMs, async () => {
      const current = await admin.apiextensions.readCustomResourceDefinition({ name });
      return (current.status?.conditions ?? []).some((c) => c.type === 'Established' && c.status === 'True');
    });
  }
  return names;
}
