import type { FastifyInstance } from 'fastify';

/**
 * WordPress's `_fields` rules (rest_filter_response_fields, rest_is_field_included), applied once for
 * every REST response by the hook `registerResponseFields` installs, so no controller filters its own output.
 */

type Json = unknown;
/** `true` keeps a key whole; a nested tree keeps only its listed sub-keys. */
export interface FieldTree {
  [key: string]: true | FieldTree;
}

/** wp_parse_list: a list given as an array or as a string separated by commas and/or spaces. */
export function parseFieldList(raw: unknown): string[] {
  const items = Array.isArray(raw) ? raw.map(String) : typeof raw === 'string' ? raw.split(/[\s,]+/) : [];
  return items.map((item) => item.trim()).filter((item) => item !== '');
}

/** `['a', 'b.c', 'b.d']` → `{a: true, b: {c: true, d: true}}`; a parent already kept whole wins over its children. */
export function fieldTree(fields: readonly string[]): FieldTree {
  const tree: FieldTree = {};
  for (const field of fields) {
    const parts = field.split('.');
    let node: FieldTree = tree;
    let skipped = false;
    while (parts.length > 1) {
      const next = parts.shift() as string;
      const existing = node[next];
      if (existing === true) {
        skipped = true;
        break;
      }
      node = node[next] = existing ?? {};
    }
    if (!skipped) node[parts[0]] = true;
  }
  return tree;
}

/** rest_is_field_included: `a` is included by `a`, by any `a.x`, and `a.x` by `a`. */
export function isFieldIncluded(field: string, fields: readonly string[]): boolean {
  return fields.some((accepted) => accepted === field || accepted.startsWith(`${field}.`) || field.startsWith(`${accepted}.`));
}

function isPlainObject(value: Json): value is Record<string, Json> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** _rest_array_intersect_key_recursive: keeps the data's own key order; arrays are indexed by position, as PHP's are. */
function intersect(value: Json, tree: FieldTree): Json {
  if (Array.isArray(value)) {
    // A PHP list filtered by key: only numeric keys named in the tree survive, renumbered as a map.
    const kept: Record<string, Json> = {};
    value.forEach((item, index) => {
      const rule = tree[String(index)];
      if (rule !== undefined) kept[String(index)] = rule === true ? item : intersect(item, rule);
    });
    return emptyAsList(kept);
  }
  if (!isPlainObject(value)) return value;
  const kept: Record<string, Json> = {};
  for (const [key, item] of Object.entries(value)) {
    const rule = tree[key];
    if (rule === undefined) continue;
    kept[key] = rule === true || !(isPlainObject(item) || Array.isArray(item)) ? item : intersect(item, rule);
  }
  return emptyAsList(kept);
}

/** An associative array that loses every key is an empty PHP array, which json_encode writes as `[]`. */
function emptyAsList(object: Record<string, Json>): Json {
  return Object.keys(object).length === 0 ? [] : object;
}

/**
 * Filters a successful response body by `_fields`. `_links` are not part of WordPress's data: they are
 * kept only when `_fields` names them (`_links`, `_links.self`), and a single item's links are
 * appended whole after the filter, while a collection's are filtered with its items (as WordPress does).
 */
export function filterResponseFields(body: Json, rawFields: unknown): Json {
  const fields = parseFieldList(rawFields);
  if (fields.length === 0) return body;
  const tree = fieldTree(fields);
  const wantLinks = isFieldIncluded('_links', fields);
  const withoutLinks = (item: Json): Json => {
    if (!isPlainObject(item) || !('_links' in item) || wantLinks) return item;
    const { _links: _dropped, ...rest } = item;
    return rest;
  };
  if (Array.isArray(body)) return body.map((item) => intersect(withoutLinks(item), tree));
  if (!isPlainObject(body)) return body;
  const { _links: links, ...data } = body;
  const filtered = intersect(data, tree);
  if (!wantLinks || links === undefined) return filtered;
  return { ...(Array.isArray(filtered) ? {} : (filtered as Record<string, Json>)), _links: links };
}

/**
 * Applies `_fields` to every successful REST response (errors are never filtered, as in WordPress),
 * once, globally: controllers return whole items and never look at `_fields`. A Fastify
 * `preSerialization` hook rather than a Nest interceptor: an interceptor puts every route's result
 * through rxjs, which cost most requests more than the filter itself does the few that ask for it.
 */
export function registerResponseFields(fastify: FastifyInstance): void {
  fastify.addHook('preSerialization', (request, reply, payload, done) => {
    const fields = (request.query as Record<string, unknown> | undefined)?._fields;
    if (fields === undefined || reply.statusCode >= 400 || !request.url.startsWith('/wp-json')) return done(null, payload);
    done(null, filterResponseFields(payload, fields));
  });
}
