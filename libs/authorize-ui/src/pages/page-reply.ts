import type { FastifyReply } from 'fastify';
import type { SafeHtml } from '../html';

export interface PageOptions {
  status?: number;
  /**
   * The authorize page's form may redirect to the app's own URL (any origin or custom scheme), which a
   * `form-action 'self'` directive would block in Chromium: only that page goes without it.
   */
  formActionAnywhere?: boolean;
  headers?: Record<string, string>;
}

/**
 * Sends a page with the headers every page carries: no framing, a strict CSP (scripts and styles from
 * this origin only, images also as data: URLs for the QR code), no referrer (URLs can hold `state`),
 * and no caching — pages are per-user and several show a secret once.
 */
export function sendPage(reply: FastifyReply, page: SafeHtml, options: PageOptions = {}): FastifyReply {
  const csp = [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    ...(options.formActionAnywhere ? [] : ["form-action 'self'"]),
  ].join('; ');
  reply
    .status(options.status ?? 200)
    .header('Content-Type', 'text/html; charset=UTF-8')
    .header('Content-Security-Policy', csp)
    .header('X-Frame-Options', 'DENY')
    .header('X-Content-Type-Options', 'nosniff')
    .header('Referrer-Policy', 'no-referrer')
    .header('Cache-Control', 'no-store, max-age=0')
    .header('Pragma', 'no-cache');
  for (const [name, value] of Object.entries(options.headers ?? {})) reply.header(name, value);
  return reply.send(page.value);
}

/** 303: after a POST the browser follows with a GET. */
export function redirect(reply: FastifyReply, location: string, status = 303): FastifyReply {
  return reply.status(status).header('Location', location).header('Cache-Control', 'no-store, max-age=0').header('Referrer-Policy', 'no-referrer').send('');
}
