/**
 * JSON as PHP's json_encode writes it (WordPress's default flags): `/` escaped as `\/` and every
 * non-ASCII character as `\uXXXX`, so responses match WordPress byte for byte.
 */
export function phpJsonStringify(value: unknown): string {
  const json = JSON.stringify(value);
  if (json === undefined) return 'null';
  return json.replace(/[\/\u007f-\uffff]/g, (char) =>
    char === '/' ? '\\/' : '\\u' + char.charCodeAt(0).toString(16).padStart(4, '0'),
  );
}

/** The JSON of bodies registered with `immutableBody`, written once. */
const serializedBodies = new WeakMap<object, Buffer>();

function deepFreeze(value: unknown): void {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const item of Object.values(value)) deepFreeze(item);
}

/**
 * A response body served unchanged many times (the `/wp-json/` index): copied, deep-frozen and
 * serialized now, so each reply costs a lookup instead of a JSON.stringify of the whole document.
 * Returns the frozen copy, which is what the handler must return. Filters that change a body (e.g.
 * `_fields`) build new objects, which are serialized as usual.
 */
export function immutableBody<T>(value: T): T {
  const copy = JSON.parse(phpJsonStringify(value)) as T;
  if (copy === null || typeof copy !== 'object') return copy;
  deepFreeze(copy);
  serializedBodies.set(copy, Buffer.from(phpJsonStringify(copy), 'utf8'));
  return copy;
}

/** The reply serializer: `phpJsonStringify`, or the bytes already written for an `immutableBody`. */
export function serializeReply(payload: unknown): string | Buffer {
  if (payload !== null && typeof payload === 'object') {
    const serialized = serializedBodies.get(payload);
    if (serialized) return serialized;
  }
  return phpJsonStringify(payload);
}
