// The console page and noVNC itself, served by the proxy from the @novnc/novnc package (no CDN).
// The page reads the ticket and the VNC password from the URL fragment, which never reaches a
// server or a log, and removes them from the address bar before connecting.
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';

const here = path.dirname(fileURLToPath(import.meta.url));
// The package exports only core/rfb.js; its root is two levels up.
const novncRoot = path.resolve(path.dirname(createRequire(import.meta.url).resolve('@novnc/novnc')), '..');

export function pageRouter(frameAncestors: string[]): express.Router {
  const router = express.Router();
  const csp = [
    "default-src 'self'",
    "connect-src 'self' ws: wss:",
    "img-src 'self' data: blob:",
    "style-src 'self'",
    `frame-ancestors ${frameAncestors.length ? frameAncestors.join(' ') : "'none'"}`,
  ].join('; ');
  router.use((_req, res, next) => {
    res.set({ 'Content-Security-Policy': csp, 'Referrer-Policy': 'no-referrer', 'X-Content-Type-Options': 'nosniff' });
    next();
  });
  router.get(/^\/console\/\d{1,10}$/, (_req, res) => {
    res.set('Cache-Control', 'no-store').sendFile(path.join(here, 'page', 'console.html'));
  });
  router.use('/console-assets', express.static(path.join(here, 'page'), { index: false, maxAge: '1h' }));
  for (const dir of ['core', 'vendor']) {
    router.use(`/novnc/${dir}`, express.static(path.join(novncRoot, dir), { index: false, maxAge: '1h', fallthrough: false }));
  }
  return router;
}
