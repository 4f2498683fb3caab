/**
 * Files quotaplan ships beside its code: migrations/, web/, the .proto schemas, the demo's teams file. They are found
 * from the package's root folder, which is this module's parent both as source (src/package-files.ts, run by tsx)
 * and when built (scripts/build.ts writes every bundle file at the top of dist/), in a checkout as in an installed
 * package. A relative URL from a deeper source file would point elsewhere once bundled.
 */
import { fileURLToPath } from 'node:url';

const packageRoot = new URL('../', import.meta.url);

/** The absolute path of `relativePath` (slash-separated, from the package root). */
export function packageFile(relativePath: string): string {
  return fileURLToPath(new URL(relativePath, packageRoot));
}
