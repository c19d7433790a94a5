/**
 * Route rules: `METHODS ROUTE-PATTERN` entries of a credential's policy, matched against the
 * canonical REST route of a request.
 *
 * - METHODS is `*` or a comma list of GET, POST, PUT, PATCH, DELETE (HEAD and OPTIONS count as GET).
 * - ROUTE-PATTERN is a route below `/wp-json`, lower-cased, where `*` matches any run of characters,
 *   slashes included: `/wp/v2/posts*` matches `/wp/v2/posts`, `/wp/v2/posts/7` and `/wp/v2/posts-x`.
 * - A request path is canonicalised before matching (`?rest_route=`, `/wp-json` prefix, one round of
 *   percent-decoding, `.`/`..` segments, repeated and trailing slashes, case), so no spelling of a
 *   URL reaches a route its rules would refuse. A path that cannot be canonicalised matches nothing
 *   and is refused by any rule set.
 */

export const RULE_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type RuleMethod = (typeof RULE_METHODS)[number];

export interface RouteRule {
  /** The entry as written (normalised), for messages. */
  source: string;
  /** Null: every method. */
  methods: ReadonlySet<RuleMethod> | null;
  /** Normalised glob, `*` the only wildcard. */
  pattern: string;
  matcher: RegExp;
}

export class RuleSyntaxError extends Error {}

const PATTERN_CHARS = /^[a-z0-9/_.\-~*]+$/;

/** Parses one `METHODS ROUTE-PATTERN` entry; throws RuleSyntaxError with a message for the client. */
/** Routes are short; a bound keeps stored policies small and the glob comparisons (quadratic) cheap. */
export const MAX_RULE_LENGTH = 200;

export function parseRule(text: unknown): RouteRule {
  if (typeof text !== 'string') throw new RuleSyntaxError('each rule must be a string "METHODS /route/pattern".');
  if (text.length > MAX_RULE_LENGTH) throw new RuleSyntaxError(`each rule must be at most ${MAX_RULE_LENGTH} characters long.`);
  const parts = text.trim().split(/\s+/);
  if (parts.length !== 2 || parts[0] === '') throw new RuleSyntaxError(`"${text}" is not of the form "METHODS /route/pattern".`);
  const [methodPart, patternPart] = parts;

  let methods: Set<RuleMethod> | null = null;
  if (methodPart !== '*') {
    methods = new Set();
    for (const raw of methodPart.split(',')) {
      const method = raw.trim().toUpperCase();
      if (!(RULE_METHODS as readonly string[]).includes(method)) {
        throw new RuleSyntaxError(`"${raw}" in "${text}" is not a method (use *, GET, POST, PUT, PATCH or DELETE).`);
      }
      methods.add(method as RuleMethod);
    }
    if (methods.size === RULE_METHODS.length) methods = null;
  }

  let pattern = patternPart.toLowerCase();
  if (pattern !== '*' && !pattern.startsWith('/')) throw new RuleSyntaxError(`the route pattern of "${text}" must start with "/" (a route below /wp-json).`);
  if (!PATTERN_CHARS.test(pattern)) {
    throw new RuleSyntaxError(`the route pattern of "${text}" may only use letters, digits, "/", "_", ".", "-", "~" and the wildcard "*".`);
  }
  if (pattern.split('/').some((segment) => segment === '.' || segment === '..')) {
    throw new RuleSyntaxError(`the route pattern of "${text}" must not contain "." or ".." segments.`);
  }
  pattern = pattern.replace(/\*+/g, '*').replace(/\/{2,}/g, '/');
  if (pattern.length > 1 && pattern.endsWith('/')) pattern = pattern.replace(/\/+$/, '');

  const methodText = methods === null ? '*' : RULE_METHODS.filter((method) => methods.has(method)).join(',');
  return { source: `${methodText} ${pattern}`, methods, pattern, matcher: globToRegExp(pattern) };
}

function globToRegExp(pattern: string): RegExp {
  const source = pattern.split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return new RegExp(`^${source}$`);
}

/** HEAD and OPTIONS read what GET reads. */
export function ruleMethodOf(httpMethod: string): RuleMethod | null {
  const method = httpMethod.toUpperCase();
  if (method === 'HEAD' || method === 'OPTIONS') return 'GET';
  return (RULE_METHODS as readonly string[]).includes(method) ? (method as RuleMethod) : null;
}

export function ruleMatches(rule: RouteRule, method: RuleMethod, canonicalPath: string): boolean {
  return (rule.methods === null || rule.methods.has(method)) && rule.matcher.test(canonicalPath);
}

const NORMALIZED_PATHS_MAX = 1_000;
const normalizedPaths = new Map<string, string | null>();

/**
 * A decoded path made canonical: `\` is refused, repeated slashes collapse, `.` and `..` segments
 * are resolved (never above the root), case is folded and a trailing slash dropped. Null when the
 * path cannot be read safely.
 */
export function normalizeRoutePath(path: string): string | null {
  // Every request's path is normalized for the access rules, mostly the same few: remembered (bounded).
  let normalized = normalizedPaths.get(path);
  if (normalized === undefined) {
    if (normalizedPaths.size >= NORMALIZED_PATHS_MAX) normalizedPaths.clear();
    normalized = normalize(path);
    normalizedPaths.set(path, normalized);
  }
  return normalized;
}

function normalize(path: string): string | null {
  // eslint-disable-next-line no-control-regex
  if (/[\\\u0000-\u001f\u007f]/.test(path)) return null;
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  return ('/' + segments.join('/')).toLowerCase();
}

/**
 * The canonical REST route of a request URL as received (path and query), e.g.
 * `/wp-json/wp/v2/Posts/?x=1` and `/?rest_route=/wp/v2/posts/` both give `/wp/v2/posts`. Paths outside
 * `/wp-json` are canonicalised as they are (they never match a `/wp/...` pattern). Percent-encoding
 * is decoded once, as the router does; anything still encoded after that (`%252F`) is refused (null).
 */
export function canonicalRestPath(url: string): string | null {
  const hash = url.indexOf('#');
  const withoutHash = hash < 0 ? url : url.slice(0, hash);
  const question = withoutHash.indexOf('?');
  const rawPath = question < 0 ? withoutHash : withoutHash.slice(0, question);
  const query = question < 0 ? '' : withoutHash.slice(question + 1);

  let route: string;
  const decodedPath = decodeOnce(rawPath);
  if (decodedPath === null) return null;
  const basePath = normalizeRoutePath(decodedPath);
  if (basePath === null) return null;
  const restRoute = basePath === '/' || basePath === '/index.php' ? restRouteParam(query) : undefined;
  if (restRoute === null) return null;
  if (restRoute !== undefined) {
    route = restRoute;
  } else if (basePath === '/wp-json' || basePath.startsWith('/wp-json/')) {
    route = basePath.slice('/wp-json'.length);
  } else {
    return basePath;
  }
  if (route.includes('%')) return null;
  return normalizeRoutePath(route);
}

/** `rest_route` from a query string (decoded by URLSearchParams), undefined if absent, null if unreadable. */
function restRouteParam(query: string): string | null | undefined {
  if (!/(^|&)rest_route=/.test(query)) return undefined;
  try {
    // URLSearchParams never throws, but a lone `%` survives decoding: refuse it below.
    const value = new URLSearchParams(query).get('rest_route');
    if (value === null) return undefined;
    return value.startsWith('/') ? value : `/${value}`;
  } catch {
    return null;
  }
}

function decodeOnce(path: string): string | null {
  try {
    const decoded = decodeURIComponent(path);
    return decoded.includes('%') ? null : decoded;
  } catch {
    return null;
  }
}

/**
 * Whether every path glob `inner` matches is also matched by `outer` (`*` the only wildcard). Exact
 * for such globs: an inner `*` can produce any text, so only an outer `*` may absorb it.
 */
export function globCovers(outer: string, inner: string): boolean {
  const memo = new Map<number, boolean>();
  const visit = (i: number, j: number): boolean => {
    const key = i * (inner.length + 1) + j;
    const known = memo.get(key);
    if (known !== undefined) return known;
    let result: boolean;
    if (i === outer.length) result = j === inner.length;
    else if (outer[i] === '*') result = visit(i + 1, j) || (j < inner.length && visit(i, j + 1));
    else if (j === inner.length || inner[j] === '*') result = false;
    else result = outer[i] === inner[j] && visit(i + 1, j + 1);
    memo.set(key, result);
    return result;
  };
  return visit(0, 0);
}

/** Whether some path matches both globs. */
export function globsIntersect(a: string, b: string): boolean {
  const memo = new Map<number, boolean>();
  const visit = (i: number, j: number): boolean => {
    const key = i * (b.length + 1) + j;
    const known = memo.get(key);
    if (known !== undefined) return known;
    let result: boolean;
    if (i === a.length && j === b.length) result = true;
    else if (i < a.length && a[i] === '*') result = visit(i + 1, j) || (j < b.length && visit(i, j + 1));
    else if (j < b.length && b[j] === '*') result = visit(i, j + 1) || (i < a.length && visit(i + 1, j));
    else result = i < a.length && j < b.length && a[i] === b[j] && visit(i + 1, j + 1);
    memo.set(key, result);
    return result;
  };
  return visit(0, 0);
}

function methodsCover(outer: RouteRule['methods'], inner: RouteRule['methods']): boolean {
  if (outer === null) return true;
  if (inner === null) return false;
  return [...inner].every((method) => outer.has(method));
}

function methodsIntersect(a: RouteRule['methods'], b: RouteRule['methods']): boolean {
  if (a === null || b === null) return true;
  return [...a].some((method) => b.has(method));
}

/** Every request `inner` matches, `outer` matches too. */
export function ruleCovers(outer: RouteRule, inner: RouteRule): boolean {
  return methodsCover(outer.methods, inner.methods) && globCovers(outer.pattern, inner.pattern);
}

/** Some request matches both. */
export function rulesIntersect(a: RouteRule, b: RouteRule): boolean {
  return methodsIntersect(a.methods, b.methods) && globsIntersect(a.pattern, b.pattern);
}
