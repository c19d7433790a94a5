import type { FastifyRequest } from 'fastify';
import { isIP } from 'node:net';

/** The widest address a column stores (an IPv6 address with an embedded IPv4 one). */
const MAX_IP_LENGTH = 45;

/**
 * The caller's address: the socket's, unless the server trusts a proxy (fastify's `trustProxy`,
 * set from GATEHOUSE_TRUST_PROXY), in which case fastify has already read X-Forwarded-For.
 * IPv4-mapped IPv6 addresses are shown as plain IPv4, as WordPress stores them. A forwarded value
 * that is not an IP address (or is wider than any) is unknown: `''`, which no allowed_ips range
 * contains and every column stores.
 */
export function clientIp(request: FastifyRequest): string {
  const raw = request.ip ?? '';
  const ip = raw.startsWith('::ffff:') ? raw.slice(7) : raw;
  return ip.length <= MAX_IP_LENGTH && isIP(ip) !== 0 ? ip : '';
}
