import type { FastifyRequest } from 'fastify';
import { clientIp } from './client-ip';

const from = (ip: string | undefined) => ({ ip }) as unknown as FastifyRequest;

describe('clientIp', () => {
  it.each([
    ['203.0.113.5', '203.0.113.5'],
    ['::ffff:203.0.113.5', '203.0.113.5'],
    ['2001:db8::1', '2001:db8::1'],
    ['0000:0000:0000:0000:0000:ffff:255.255.255.255', '0000:0000:0000:0000:0000:ffff:255.255.255.255'],
    // What a trusted proxy forwarded but is no address: unknown, never stored as given.
    ['z'.repeat(100), ''],
    ['not-an-ip', ''],
    [`fe80::1%${'e'.repeat(60)}`, ''],
    ['', ''],
    [undefined, ''],
  ])('%j → %j', (ip, expected) => {
    expect(clientIp(from(ip))).toBe(expected);
  });
});
