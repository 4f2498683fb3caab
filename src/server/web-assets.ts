/**
 * The dashboard's static files: everything under `web/` plus chart.js's and chartjs-plugin-zoom's UMD bundles from
 * node_modules (no CDN, no build step). The set of files is read once when the app is built; a request can only ever name one of them,
 * so no path from a URL reaches the file system.
 *
 * Each file is sent compressed (brotli, else gzip, as the request accepts; compressed once, on first use, then kept)
 * with a strong ETag of its bytes: the browser revalidates (`Cache-Control: no-cache`) and gets `304 Not Modified`
 * with no body while the file is unchanged, so a page load after the first costs a few hundred bytes, not 250 KB.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join, relative, sep } from 'node:path';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';
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

/**
 * chartjs-plugin-zoom's minified UMD bundle (History's drag-zoom). Loaded after chart.js as a classic script, it
 * registers itself with `window.Chart`; without `window.Hammer` it has no pinch or pan, and drag needs neither.
 */
export function chartZoomBundle(): string {
  const entry = createRequire(import.meta.url).resolve('chartjs-plugin-zoom');
  return join(dirname(entry), 'chartjs-plugin-zoom.min.js');
}

/** Files served from node_modules: URL path -> file. No other file outside web/ is ever served. */
function vendorFiles(): ReadonlyMap<string, string> {
  return new Map([
    ['/vendor/chart.umd.js', chartJsBundle()],
    ['/vendor/chartjs-plugin-zoom.min.js', chartZoomBundle()],
  ]);
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

/** A file as sent: its ETag, and its compressed forms made on first use. */
interface SentAsset extends Asset {
  etag: string;
  encoded: Map<'br' | 'gzip', Uint8Array>;
}

/** Text types worth compressing (SVG is XML text); PNG and ICO are compressed already. */
const COMPRESSIBLE = /^(text\/|application\/json|image\/svg\+xml)/;
/** Below this, compression saves less than its headers cost. */
const COMPRESS_FROM_BYTES = 512;

/** URL path -> file contents, read at startup. */
function loadAssets(root: string): Map<string, SentAsset> {
  const files = new Map<string, Asset>();
  for (const file of listFiles(root)) {
    const contentType = CONTENT_TYPES[extname(file)];
    if (!contentType) continue;
    const urlPath = `/${relative(root, file).split(sep).join('/')}`;
    files.set(urlPath, { body: readFileSync(file), contentType });
  }
  const index = files.get('/index.html');
  if (index) files.set('/', index);
  for (const [urlPath, file] of vendorFiles()) files.set(urlPath, { body: readFileSync(file), contentType: CONTENT_TYPES['.js']! });
  const assets = new Map<string, SentAsset>();
  for (const [path, asset] of files) {
    const etag = `"${createHash('sha256').update(asset.body).digest('base64url').slice(0, 22)}"`;
    assets.set(path, { ...asset, etag, encoded: new Map() });
  }
  return assets;
}

/** Whether `Accept-Encoding` takes `coding` (present and not `;q=0`). */
function acceptsEncoding(header: string | undefined, coding: string): boolean {
  return (header ?? '').split(',').some((part) => {
    const [name, ...params] = part.trim().split(';');
    if (name?.trim().toLowerCase() !== coding) return false;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}

/** Whether `If-None-Match` names this ETag (or `*`); weak validators compare equal to strong ones for GET (RFC 9110 13.1.2). */
function matchesEtag(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  return header.split(',').some((tag) => {
    const t = tag.trim();
    return t === '*' || t === etag || t === `W/${etag}`;
  });
}

function encodedBody(asset: SentAsset, coding: 'br' | 'gzip'): Uint8Array {
  let body = asset.encoded.get(coding);
  if (body === undefined) {
    body =
      coding === 'br'
        ? brotliCompressSync(asset.body, { params: { [zlib.BROTLI_PARAM_QUALITY]: 9, [zlib.BROTLI_PARAM_SIZE_HINT]: asset.body.byteLength } })
        : gzipSync(asset.body, { level: 9 });
    asset.encoded.set(coding, body);
  }
  return body;
}

export function webRoutes(root: string = webRoot()): Hono {
  const assets = loadAssets(root);
  const routes = new Hono();
  routes.get('*', async (c, next) => {
    const asset = assets.get(c.req.path);
    if (!asset) return next();
    const headers: Record<string, string> = { ETag: asset.etag, 'Cache-Control': 'no-cache', Vary: 'Accept-Encoding' };
    if (matchesEtag(c.req.header('if-none-match'), asset.etag)) return c.body(null, 304, headers);
    headers['Content-Type'] = asset.contentType;
    const accept = c.req.header('accept-encoding');
    const coding = !COMPRESSIBLE.test(asset.contentType) || asset.body.byteLength < COMPRESS_FROM_BYTES ? null : acceptsEncoding(accept, 'br') ? 'br' : acceptsEncoding(accept, 'gzip') ? 'gzip' : null;
    if (coding === null) return c.body(asset.body as Uint8Array<ArrayBuffer>, 200, headers);
    headers['Content-Encoding'] = coding;
    return c.body(encodedBody(asset, coding) as Uint8Array<ArrayBuffer>, 200, headers);
  });
  return routes;
}
