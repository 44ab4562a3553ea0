// Serves the built web example on http://127.0.0.1:8080 (PORT to change; 0 picks a free
// port). Responses carry COOP/COEP headers, which make the page cross-origin isolated
// (SharedArrayBuffer, so the wasm kernels may use helper threads); the same files under
// /plain/ come without them, to see the single-thread path.
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const flag = process.argv.indexOf('--dir');
const root = flag >= 0 ? process.argv[flag + 1] : join(here, 'dist');
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.map': 'application/json',
  '.gz': 'application/octet-stream',
};
if (!existsSync(join(root, 'index.html'))) {
  throw new Error(`serve: ${root} has no index.html; run node examples/web/build.mjs first`);
}

const server = createServer((request, response) => {
  let path = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
  const isolated = !path.startsWith('/plain/') && path !== '/plain';
  if (!isolated) path = path.slice('/plain'.length) || '/';
  if (path.endsWith('/')) path += 'index.html';
  const file = normalize(join(root, path));
  if (!file.startsWith(root + sep) || !existsSync(file) || !statSync(file).isFile()) {
    response.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
    return;
  }
  const headers = {
    'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
    'Cache-Control': 'no-cache',
  };
  if (isolated) {
    headers['Cross-Origin-Opener-Policy'] = 'same-origin';
    headers['Cross-Origin-Embedder-Policy'] = 'require-corp';
  }
  response.writeHead(200, headers);
  createReadStream(file).pipe(response);
});

server.listen(Number(process.env.PORT ?? 8080), '127.0.0.1', () => {
  const { port } = server.address();
  console.log(`serving the Zen-TS web example on http://127.0.0.1:${port}/ (single-thread path: /plain/)`);
});
