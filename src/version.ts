/** quotaplan's version, the one in package.json: esbuild inlines the JSON into the bundle, tsx reads it. */
import packageJson from '../package.json' with { type: 'json' };

export const VERSION: string = packageJson.version;
