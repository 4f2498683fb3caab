import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { createApp } from '../../../src/server/app.js';
import { chartJsBundle, chartZoomBundle } from '../../../src/server/web-assets.js';
import { seededStore } from './seed.js';

const store = await seededStore();
const app = createApp({ store, clock: () => new Date(0), log: () => {} });
const APP_JS = readFileSync(new URL('../../../web/app.js', import.meta.url));

async function get(path: string, headers: Record<string, string> = {}): Promise<Response> {
  return app.request(path, { headers });
}

describe('static files', () => {
  it('sends brotli when accepted, else gzip, else the bytes as they are; each decodes to the file', async () => {
    const br = await get('/app.js', { 'Accept-Encoding': 'gzip, deflate, br' });
    assert.equal(br.status, 200);
    assert.equal(br.headers.get('content-encoding'), 'br');
    assert.equal(br.headers.get('vary'), 'Accept-Encoding');
    assert.equal(br.headers.get('content-type'), 'text/javascript; charset=utf-8');
    const brBody = Buffer.from(await br.arrayBuffer());
    assert.ok(brBody.byteLength < APP_JS.byteLength / 2, `${brBody.byteLength} of ${APP_JS.byteLength} bytes`);
    assert.deepEqual(brotliDecompressSync(brBody), APP_JS);

    const gzip = await get('/app.js', { 'Accept-Encoding': 'gzip, br;q=0' });
    assert.equal(gzip.headers.get('content-encoding'), 'gzip');
    assert.deepEqual(gunzipSync(Buffer.from(await gzip.arrayBuffer())), APP_JS);

    const plain = await get('/app.js');
    assert.equal(plain.headers.get('content-encoding'), null);
    assert.deepEqual(Buffer.from(await plain.arrayBuffer()), APP_JS);

    const chart = await get('/vendor/chart.umd.js', { 'Accept-Encoding': 'br' });
    assert.deepEqual(brotliDecompressSync(Buffer.from(await chart.arrayBuffer())), readFileSync(chartJsBundle()));
  });

  it('answers 304 with no body to If-None-Match naming the ETag, and the file to another ETag', async () => {
    const first = await get('/app.css', { 'Accept-Encoding': 'br' });
    const etag = first.headers.get('etag') as string;
    assert.match(etag, /^"[A-Za-z0-9_-]{22}"$/);
    assert.equal(first.headers.get('cache-control'), 'no-cache');
    assert.equal((await get('/app.css')).headers.get('etag'), etag, 'one ETag whatever the encoding');
    for (const tag of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
      const again = await get('/app.css', { 'If-None-Match': tag, 'Accept-Encoding': 'br' });
      assert.equal(again.status, 304, tag);
      assert.equal(await again.text(), '');
      assert.equal(again.headers.get('etag'), etag);
    }
    const changed = await get('/app.css', { 'If-None-Match': '"not-this-one"' });
    assert.equal(changed.status, 200);
    assert.notEqual((await get('/app.js')).headers.get('etag'), etag, 'each file has its own ETag');
  });

  it('serves chartjs-plugin-zoom from node_modules beside chart.js, and nothing else from node_modules', async () => {
    const zoom = await get('/vendor/chartjs-plugin-zoom.min.js');
    assert.equal(zoom.status, 200);
    assert.equal(zoom.headers.get('content-type'), 'text/javascript; charset=utf-8');
    assert.deepEqual(Buffer.from(await zoom.arrayBuffer()), readFileSync(chartZoomBundle()));
    assert.match(chartZoomBundle(), /node_modules\/chartjs-plugin-zoom\/dist\/chartjs-plugin-zoom\.min\.js$/);
    // Its dependency hammerjs (pinch and pan, not used) and the plugin's other builds are not served.
    for (const path of ['/vendor/hammer.min.js', '/vendor/chartjs-plugin-zoom.js', '/node_modules/chartjs-plugin-zoom/dist/chartjs-plugin-zoom.min.js', '/vendor/../package.json']) {
      assert.equal((await get(path)).status, 404, path);
    }
  });
});
