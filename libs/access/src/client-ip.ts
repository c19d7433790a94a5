import type { FastifyRequest } from 'fastify';

/**
 * The caller's address: the socket's, unless the server trusts a proxy (fastify's `trustProxy`,
 * set from GATEHOUSE_TRUST_PROXY), in which case fastify has already read X-Forwarded-For.
 * IPv4-mapped IPv6 addresses are shown as plain IPv4, as WordPress stores them.
 */
export function clientIp(request: FastifyRequest): string {
  const ip = request.ip ?? '';
  return ip.startsWith('::ffff:') ? ip.slice(7) : ip;
}
