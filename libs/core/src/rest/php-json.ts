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
