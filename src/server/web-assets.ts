/**
 * The dashboard's static files: everything under `web/` plus chart.js's UMD bundle from node_modules (no CDN,
 * no build step). The set of files is read once when the app is built; a request can only ever name one of them,
 * so no path from a URL reaches the file system.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join, relative, sep } from 'node:path';
import { Hono } from 'hono';
import { packageFile } from '../package-files.js';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
};

/** `web/` of this checkout or installed package, found from the package root rather than the working directory. */
export function webRoot(): string {
  return packageFile('web/');
}

/** chart.js's UMD bundle. The package exports only its entry points, so find the entry and take its folder. */
export function chartJsBundle(): string {
  const entry = createRequire(import.meta.url).resolve('chart.js');
  return join(dirname(entry), 'chart.umd.js');
}

function listFiles(root: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(root, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) files.push(join(entry.parentPath, entry.name));
  }
  return files.sort();
}

interface Asset {
  body: Uint8Array;
  contentType: string;
}

/** URL path -> file contents, read at startup. */
function loadAssets(root: string): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  for (const file of listFiles(root)) {
    const contentType = CONTENT_TYPES[extname(file)];
    if (!contentType) continue;
    const urlPath = `/${relative(root, file).split(sep).join('/')}`;
    assets.set(urlPath, { body: readFileSync(file), contentType });
  }
  const index = assets.get('/index.html');
  if (index) assets.set('/', index);
  assets.set('/vendor/chart.umd.js', { body: readFileSync(chartJsBundle()), contentType: CONTENT_TYPES['.js']! });
  return assets;
}

export function webRoutes(root: string = webRoot()): Hono {
  const assets = loadAssets(root);
  const routes = new Hono();
  routes.get('*', async (c, next) => {
    const asset = assets.get(c.req.path);
    if (!asset) return next();
    return c.body(asset.body as Uint8Array<ArrayBuffer>, 200, {
      'Content-Type': asset.contentType,
      'Cache-Control': 'no-cache',
    });
  });
  return routes;
}
