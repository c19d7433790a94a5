const LOWERCASE_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** WordPress's wp_is_uuid(): 8-4-4-4-12 lowercase hex, any version (app ids, `format: uuid` arguments). */
export function isUuid(value: string): boolean {
  return LOWERCASE_UUID.test(value);
}

/** Identifiers we issue ourselves (grant ids) are accepted in any case, then compared lowercased. */
export function isUuidIgnoringCase(value: string): boolean {
  return LOWERCASE_UUID.test(value.toLowerCase());
}
