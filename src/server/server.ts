import { randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Engine } from '../engine/api/engine';
import { ApiError, toErrorBody } from '../engine/api/errors';
import type { EngineEvent } from '../shared/api';
import { SECURITY_HEADERS } from '../shared/contentSecurityPolicy';

export interface ServerOptions {
  engine: Engine;
  /** Folder with the built renderer (index.html and assets). */
  staticDir: string;
  /** 0 picks a free port. */
  port?: number;
  /** Fixed token for tests; a random one per launch otherwise. */
  token?: string;
}

export interface RunningServer {
  url: string;
  /** The address to open: the token travels in the fragment, which browsers never send to servers. */
  launchUrl: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1 << 20;
const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.woff2': 'font/woff2',
};

/**
 * The local transport for `npm run serve` and browser tests. It listens on 127.0.0.1 only,
 * requires a per-launch random token on every API request, and checks Host and Origin so that
 * other web pages (DNS rebinding, cross-site requests) cannot reach it.
 */
export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const token = opts.token ?? randomBytes(24).toString('base64url');
  const tokenBuf = Buffer.from(token);
  let port = 0;
  const sseClients = new Set<http.ServerResponse>();

  const allowedHosts = () => new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const allowedOrigins = () => new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);

  const tokenMatches = (candidate: string | undefined | null): boolean => {
    if (!candidate) return false;
    const buf = Buffer.from(candidate);
    return buf.length === tokenBuf.length && timingSafeEqual(buf, tokenBuf);
  };

  const sendJson = (res: http.ServerResponse, status: number, body: unknown) => {
    const data = JSON.stringify(body);
    res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(data);
  };
  const sendError = (res: http.ServerResponse, status: number, err: ApiError) => sendJson(res, status, { ok: false, error: err.toBody() });

  const server = http.createServer(async (req, res) => {
    try {
      if (!allowedHosts().has(req.headers.host ?? '')) {
        return sendError(res, 421, new ApiError('unauthorized', 'Requests must be addressed to 127.0.0.1 or localhost.'));
      }
      const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
      if (url.pathname.startsWith('/api/')) {
        const origin = req.headers.origin;
        if (origin !== undefined && !allowedOrigins().has(origin)) {
          return sendError(res, 403, new ApiError('unauthorized', `Cross-origin requests are refused (origin ${origin}).`));
        }
        if (url.pathname === '/api/events' && req.method === 'GET') {
          // EventSource cannot set headers, so the token comes as a query parameter here.
          if (!tokenMatches(url.searchParams.get('token'))) {
            return sendError(res, 401, new ApiError('unauthorized', 'Missing or wrong access token.'));
          }
          res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive' });
          res.write(': connected\n\n');
          sseClients.add(res);
          req.on('close', () => sseClients.delete(res));
          return;
        }
        const match = /^\/api\/call\/([A-Za-z0-9_.-]{1,100})$/.exec(url.pathname);
        if (!match || req.method !== 'POST') {
          return sendError(res, 404, new ApiError('not_found', `No such endpoint: ${req.method} ${url.pathname}`));
        }
        const auth = req.headers.authorization ?? '';
        if (!auth.startsWith('Bearer ') || !tokenMatches(auth.slice(7))) {
          return sendError(res, 401, new ApiError('unauthorized', 'Missing or wrong access token.'));
        }
        if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
          return sendError(res, 415, new ApiError('bad_request', 'Content-Type must be application/json.'));
        }
        let input: unknown;
        try {
          input = JSON.parse((await readBody(req)) || '{}');
        } catch (err) {
          if (err instanceof ApiError) return sendError(res, 413, err);
          return sendError(res, 400, new ApiError('bad_request', 'The request body is not valid JSON.'));
        }
        try {
          const result = await opts.engine.call(match[1], input);
          return sendJson(res, 200, { ok: true, result });
        } catch (err) {
          const body = toErrorBody(err);
          const status = { bad_request: 400, unknown_method: 404, forbidden_path: 403, not_found: 404, conflict: 409, unauthorized: 401, internal: 500 }[
            body.code
          ];
          return sendJson(res, status, { ok: false, error: body });
        }
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        return sendError(res, 405, new ApiError('bad_request', 'Method not allowed.'));
      }
      return serveStatic(opts.staticDir, url.pathname, res);
    } catch (err) {
      if (!res.headersSent) sendJson(res, 500, { ok: false, error: toErrorBody(err) });
      else res.end();
    }
  });

  const onEvent = (event: EngineEvent) => {
    const line = `data: ${JSON.stringify(event)}\n\n`;
    for (const client of sseClients) client.write(line);
  };
  opts.engine.events.on('event', onEvent);
  const keepAlive = setInterval(() => {
    for (const client of sseClients) client.write(': ping\n\n');
  }, 15_000);
  keepAlive.unref();

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    launchUrl: `${url}/#token=${token}`,
    token,
    port,
    async close() {
      clearInterval(keepAlive);
      opts.engine.events.off('event', onEvent);
      for (const client of sseClients) client.end();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Idle keep-alive sockets would otherwise hold close() open until they time out.
      server.closeIdleConnections();
      await closed;
    },
  };
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new ApiError('bad_request', `Request body over ${MAX_BODY_BYTES} bytes.`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function serveStatic(root: string, pathname: string, res: http.ServerResponse): void {
  let rel: string;
  try {
    rel = decodeURIComponent(pathname);
  } catch {
    res.writeHead(400, SECURITY_HEADERS).end('Bad path');
    return;
  }
  if (rel.includes('\0')) {
    res.writeHead(400, SECURITY_HEADERS).end('Bad path');
    return;
  }
  if (rel === '/' || rel === '') rel = '/index.html';
  const file = path.resolve(root, '.' + rel);
  if (!file.startsWith(path.resolve(root) + path.sep)) {
    res.writeHead(403, SECURITY_HEADERS).end('Forbidden');
    return;
  }
  fs.readFile(file, (err, data) => {
    if (err) {
      if (rel === '/index.html') {
        res.writeHead(503, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' });
        res.end('The user interface has not been built. Run `npm run build:renderer` and reload.');
        return;
      }
      res.writeHead(404, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' }).end('Not found');
      return;
    }
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'Content-Type': MIME[path.extname(file)] ?? 'application/octet-stream',
      'Cache-Control': rel.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
    res.end(data);
  });
}
