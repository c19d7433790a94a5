import { WpError } from '@gatehouse/core';
import ipaddr from 'ipaddr.js';
import type { GrantPolicy } from './principal';
import { isRoleAtOrBelow, isRoleName, RoleName } from './roles';
import { parseRule, ruleCovers, RouteRule, rulesIntersect, RuleSyntaxError } from './route-rules';

/**
 * Policies: reading one from a client (validation) and comparing two (narrowing). What a policy
 * allows on a request is decided in credential-policy.ts.
 */

export const FULL_POLICY: GrantPolicy = Object.freeze({ type: 'full' }) as GrantPolicy;
const MAX_ENTRIES = 50;
const POLICY_KEYS = new Set(['type', 'role', 'allow', 'deny', 'expires_at', 'allowed_ips']);

export interface PolicyContext {
  /** The role of the user who will own the credential: a policy's role must be at or below it. */
  ownerRole: RoleName;
  now: Date;
  /** GATEHOUSE_MAX_CREDENTIAL_DAYS: new credentials expire within this many days (and by default after it). */
  maxLifetimeDays?: number;
}

/** 400 in the shape of WordPress's argument validation, naming what is wrong with `policy`. */
export function invalidPolicy(message: string): WpError {
  return new WpError('rest_invalid_param', 'Invalid parameter(s): policy', 400, {
    params: { policy: message },
    details: { policy: { code: 'rest_invalid_policy', message, data: null } },
  });
}

/**
 * Validates a policy sent by a client (REST `policy` field or CLI flags) and returns it normalised.
 * Absent (undefined/null) is `full`. `type` may be omitted; a role with rules is stored as type
 * `role` (role and rules combine). Throws a 400 naming the problem.
 */
export function parsePolicy(input: unknown, context: PolicyContext): GrantPolicy {
  if (input === undefined || input === null) input = {};
  if (typeof input !== 'object' || Array.isArray(input)) throw invalidPolicy('policy must be an object.');
  const raw = input as Record<string, unknown>;
  for (const key of Object.keys(raw)) {
    if (!POLICY_KEYS.has(key)) throw invalidPolicy(`"${key}" is not a policy field (use type, role, allow, deny, expires_at, allowed_ips).`);
  }
  if (raw.type !== undefined && raw.type !== 'full' && raw.type !== 'role' && raw.type !== 'rules') {
    throw invalidPolicy('type must be one of full, role, rules.');
  }

  let role: RoleName | undefined;
  if (raw.role !== undefined && raw.role !== null) {
    if (!isRoleName(raw.role)) throw invalidPolicy('role must be one of administrator, editor, author, contributor, subscriber.');
    if (!isRoleAtOrBelow(raw.role, context.ownerRole)) {
      throw invalidPolicy(`role must be at or below the user's own role (${context.ownerRole}).`);
    }
    role = raw.role;
  }
  const allow = raw.allow === undefined || raw.allow === null ? undefined : readRules(raw.allow, 'allow');
  let deny = raw.deny === undefined || raw.deny === null ? undefined : readRules(raw.deny, 'deny');
  if (deny && deny.length === 0) deny = undefined;
  const hasRules = allow !== undefined || deny !== undefined;

  const type = raw.type ?? (role ? 'role' : hasRules ? 'rules' : 'full');
  if (type === 'full' && (role || hasRules)) throw invalidPolicy('a full policy has no role, allow or deny.');
  if (type === 'role' && !role) throw invalidPolicy('a role policy needs a role.');
  if (type === 'rules' && !hasRules) throw invalidPolicy('a rules policy needs allow or deny entries.');

  const policy: Record<string, unknown> = { type: role ? 'role' : type };
  if (role) policy.role = role;
  if (allow) policy.allow = allow;
  if (deny) policy.deny = deny;
  const expiresAt = readExpiry(raw.expires_at, context);
  if (expiresAt) policy.expires_at = expiresAt;
  if (raw.allowed_ips !== undefined && raw.allowed_ips !== null) policy.allowed_ips = readCidrs(raw.allowed_ips);
  return policy as unknown as GrantPolicy;
}

function readRules(value: unknown, field: 'allow' | 'deny'): string[] {
  if (!Array.isArray(value)) throw invalidPolicy(`${field} must be a list of "METHODS /route/pattern" strings.`);
  if (value.length > MAX_ENTRIES) throw invalidPolicy(`${field} may have at most ${MAX_ENTRIES} entries.`);
  const rules: string[] = [];
  for (const entry of value) {
    try {
      const source = parseRule(entry).source;
      if (!rules.includes(source)) rules.push(source);
    } catch (error) {
      if (error instanceof RuleSyntaxError) throw invalidPolicy(`${field}: ${error.message}`);
      throw error;
    }
  }
  return rules;
}

function readExpiry(value: unknown, context: PolicyContext): string | undefined {
  const maxMs = context.maxLifetimeDays ? context.now.getTime() + context.maxLifetimeDays * 86_400_000 : undefined;
  if (value === undefined || value === null || value === '') return maxMs === undefined ? undefined : new Date(maxMs).toISOString();
  if (typeof value !== 'string' || !/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)?$/.test(value)) {
    throw invalidPolicy('expires_at must be a date-time such as 2030-01-31T12:00:00Z (UTC when no zone is given).');
  }
  // WordPress's REST dates carry no zone and mean UTC.
  const time = Date.parse(/(Z|[+-]\d\d:\d\d)$/.test(value) ? value : `${value}Z`);
  if (Number.isNaN(time)) throw invalidPolicy('expires_at is not a valid date-time.');
  if (time <= context.now.getTime()) throw invalidPolicy('expires_at must be in the future.');
  if (maxMs !== undefined && time > maxMs) {
    throw invalidPolicy(`expires_at must be within ${context.maxLifetimeDays} days (GATEHOUSE_MAX_CREDENTIAL_DAYS).`);
  }
  return new Date(time).toISOString();
}

function readCidrs(value: unknown): string[] {
  if (!Array.isArray(value)) throw invalidPolicy('allowed_ips must be a list of CIDR ranges such as 203.0.113.0/24.');
  if (value.length > MAX_ENTRIES) throw invalidPolicy(`allowed_ips may have at most ${MAX_ENTRIES} entries.`);
  const cidrs: string[] = [];
  for (const entry of value) {
    const cidr = typeof entry === 'string' ? normalizeCidr(entry) : null;
    if (cidr === null) throw invalidPolicy(`allowed_ips: "${String(entry)}" is not an IP address or CIDR range.`);
    if (!cidrs.includes(cidr)) cidrs.push(cidr);
  }
  return cidrs;
}

/** `10.1.2.3/8` → `10.0.0.0/8`; a bare address is a one-address range. Null when unreadable. */
export function normalizeCidr(text: string): string | null {
  const trimmed = text.trim();
  try {
    const [address, prefix] = trimmed.includes('/') ? ipaddr.parseCIDR(trimmed) : (() => {
      const parsed = ipaddr.parse(trimmed);
      return [parsed, parsed.kind() === 'ipv4' ? 32 : 128] as [ipaddr.IPv4 | ipaddr.IPv6, number];
    })();
    const unmapped = address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress() && prefix >= 96
      ? { address: (address as ipaddr.IPv6).toIPv4Address(), prefix: prefix - 96 }
      : { address, prefix };
    const network = unmapped.address.kind() === 'ipv4'
      ? ipaddr.IPv4.networkAddressFromCIDR(`${unmapped.address.toString()}/${unmapped.prefix}`)
      : ipaddr.IPv6.networkAddressFromCIDR(`${unmapped.address.toString()}/${unmapped.prefix}`);
    return `${network.toString()}/${unmapped.prefix}`;
  } catch {
    return null;
  }
}

function parseNormalizedCidr(cidr: string): [ipaddr.IPv4 | ipaddr.IPv6, number] {
  return ipaddr.parseCIDR(cidr);
}

/** Whether `ip` (as clientIp() gives it) lies in one of the ranges. An unreadable address is in none. */
export function ipAllowed(ip: string, cidrs: readonly string[]): boolean {
  let address: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    address = ipaddr.parse(ip);
  } catch {
    return false;
  }
  if (address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress()) address = (address as ipaddr.IPv6).toIPv4Address();
  return cidrs.some((cidr) => {
    const range = parseNormalizedCidr(cidr);
    return range[0].kind() === address.kind() && address.match(range);
  });
}

/** Whether range `inner` lies wholly inside range `outer`. */
export function cidrWithin(inner: string, outer: string): boolean {
  const [innerAddress, innerPrefix] = parseNormalizedCidr(inner);
  const [outerAddress, outerPrefix] = parseNormalizedCidr(outer);
  return innerAddress.kind() === outerAddress.kind() && innerPrefix >= outerPrefix && innerAddress.match([outerAddress, outerPrefix] as never);
}

/** The role a policy acts as, if it narrows by role. */
export function policyRole(policy: GrantPolicy): RoleName | undefined {
  return policy.type === 'role' ? policy.role : undefined;
}

export interface CompiledRules {
  allow?: RouteRule[];
  deny: RouteRule[];
}

const compiled = new WeakMap<GrantPolicy, CompiledRules | null>();

/** The policy's rules, parsed once per policy object (principals are cached, so once per credential). */
export function policyRules(policy: GrantPolicy): CompiledRules | null {
  const known = compiled.get(policy);
  if (known !== undefined) return known;
  let rules: CompiledRules | null = null;
  if (policy.type !== 'full' && (policy.allow !== undefined || policy.deny !== undefined)) {
    rules = { allow: policy.allow?.map((entry) => parseRule(entry)), deny: (policy.deny ?? []).map((entry) => parseRule(entry)) };
  }
  compiled.set(policy, rules);
  return rules;
}

export type Containment = { within: true } | { within: false; reason: string };

/**
 * Whether `inner` admits nothing that `outer` refuses — the meaning of "narrower or equal", dimension
 * by dimension (each condition is sufficient; together they are sound):
 *  - role: if outer acts as a role, inner acts as the same or a lower one (default roles are nested);
 *  - allow: if outer has an allow list, inner has one and each entry is covered by an outer entry
 *    (methods a subset, path glob a subset);
 *  - deny: each outer deny entry is covered by an inner deny entry, or inner's allow list cannot reach it;
 *  - expires_at: if outer expires, inner expires no later;
 *  - allowed_ips: if outer has ranges, inner has ranges and each lies inside an outer one.
 */
export function policyWithin(inner: GrantPolicy, outer: GrantPolicy): Containment {
  const outerRole = policyRole(outer);
  const innerRole = policyRole(inner);
  if (outerRole && !(innerRole && isRoleAtOrBelow(innerRole, outerRole))) {
    return { within: false, reason: `it must act as ${outerRole} or a lower role` };
  }
  const outerRules = policyRules(outer);
  const innerRules = policyRules(inner);
  if (outerRules?.allow) {
    if (!innerRules?.allow) return { within: false, reason: 'it must keep an allow list inside the current one' };
    const outerAllow = outerRules.allow;
    for (const rule of innerRules.allow) {
      if (!outerAllow.some((candidate) => ruleCovers(candidate, rule))) {
        return { within: false, reason: `allow "${rule.source}" is not inside the current allow list` };
      }
    }
  }
  for (const denied of outerRules?.deny ?? []) {
    const stillDenied = (innerRules?.deny ?? []).some((rule) => ruleCovers(rule, denied));
    const unreachable = innerRules?.allow !== undefined && !innerRules.allow.some((rule) => rulesIntersect(rule, denied));
    if (!stillDenied && !unreachable) return { within: false, reason: `deny "${denied.source}" must be kept` };
  }
  if (outer.expires_at !== undefined) {
    if (inner.expires_at === undefined || Date.parse(inner.expires_at) > Date.parse(outer.expires_at)) {
      return { within: false, reason: `it must expire no later than ${outer.expires_at}` };
    }
  }
  if (outer.allowed_ips !== undefined) {
    if (inner.allowed_ips === undefined) return { within: false, reason: 'it must keep an allowed_ips list inside the current one' };
    for (const cidr of inner.allowed_ips) {
      if (!outer.allowed_ips.some((range) => cidrWithin(cidr, range))) {
        return { within: false, reason: `allowed_ips "${cidr}" is not inside the current ranges` };
      }
    }
  }
  return { within: true };
}

/**
 * A stored policy (jsonb) and the grant's `expires_at` column, as one policy object with its fields in
 * a stable order (jsonb does not keep the order they were written in).
 */
export function grantPolicyOf(stored: GrantPolicy | null | undefined, expiresAt: Date | null): GrantPolicy {
  const source = (stored ?? FULL_POLICY) as GrantPolicy & { role?: string; allow?: string[]; deny?: string[] };
  const policy: Record<string, unknown> = { type: source.type };
  if (source.role !== undefined) policy.role = source.role;
  if (source.allow !== undefined) policy.allow = source.allow;
  if (source.deny !== undefined) policy.deny = source.deny;
  if (expiresAt) policy.expires_at = expiresAt.toISOString();
  if (source.allowed_ips !== undefined) policy.allowed_ips = source.allowed_ips;
  return policy as unknown as GrantPolicy;
}

/** The reverse of grantPolicyOf: what goes in the jsonb column, and what in `expires_at`. */
export function splitPolicy(policy: GrantPolicy): { stored: GrantPolicy; expiresAt: Date | null } {
  const stored = { ...policy };
  delete stored.expires_at;
  return { stored, expiresAt: policy.expires_at ? new Date(policy.expires_at) : null };
}
