import { WpError } from '../errors/wp-error';
import { isUuid } from '../uuid';
import type { ArgSchema, ArgType, RouteArgs } from './arg-schema';

/**
 * Validates and coerces request parameters against route arguments, with WordPress's rules and
 * messages (rest_validate_value_from_schema / rest_sanitize_value_from_schema): numeric strings are
 * integers, "true"/"1" are booleans, missing required parameters are reported together, then invalid ones.
 * Written here rather than using a JSON-schema library because clients parse these exact codes and
 * messages, and WordPress's coercion differs from JSON Schema's.
 */
interface Problem {
  code: string;
  message: string;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** wp_sprintf's `%l`: `a`, `a and b`, `a, b, and c`. */
export function listWithAnd(items: readonly (string | number)[]): string {
  const words = items.map(String);
  if (words.length <= 1) return words.join('');
  if (words.length === 2) return `${words[0]} and ${words[1]}`;
  return `${words.slice(0, -1).join(', ')}, and ${words[words.length - 1]}`;
}

/** number_format_i18n in the default locale: 65535 → `65,535`. */
function thousands(value: number): string {
  return value.toLocaleString('en-US');
}

function typeName(type: ArgType | ArgType[]): string {
  return Array.isArray(type) ? type.join(',') : type;
}

function coerceToType(value: unknown, type: ArgType): { ok: true; value: unknown } | { ok: false } {
  switch (type) {
    case 'null':
      return value === null || value === '' ? { ok: true, value: null } : { ok: false };
    case 'string':
      return typeof value === 'string' ? { ok: true, value } : { ok: false };
    case 'boolean':
      if (typeof value === 'boolean') return { ok: true, value };
      if (value === 1 || value === '1' || value === 'true') return { ok: true, value: true };
      if (value === 0 || value === '0' || value === 'false') return { ok: true, value: false };
      return { ok: false };
    case 'integer':
      if (typeof value === 'number' && Number.isInteger(value)) return { ok: true, value };
      if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) return { ok: true, value: Number(value.trim()) };
      return { ok: false };
    case 'number':
      if (typeof value === 'number' && Number.isFinite(value)) return { ok: true, value };
      if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return { ok: true, value: Number(value) };
      return { ok: false };
    case 'array':
      if (Array.isArray(value)) return { ok: true, value };
      if (typeof value === 'string') return { ok: true, value: value === '' ? [] : value.split(/[\s,]+/).filter(Boolean) };
      return { ok: false };
    case 'object':
      return value !== null && typeof value === 'object' && !Array.isArray(value) ? { ok: true, value } : { ok: false };
  }
}

export function validateValue(value: unknown, schema: ArgSchema, name: string): { value: unknown } | { problem: Problem } {
  let current = value;
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    let matched = false;
    for (const type of types) {
      const result = coerceToType(current, type);
      if (result.ok) {
        current = result.value;
        matched = true;
        break;
      }
    }
    if (!matched) {
      return { problem: { code: 'rest_invalid_type', message: `${name} is not of type ${typeName(schema.type)}.` } };
    }
  }
  if (current === null) return { value: current };

  // WordPress's order: the type's own checks (lengths, pattern, bounds), then enum, then format.
  if (typeof current === 'string') {
    // PostgreSQL cannot store U+0000 in text: refused here rather than failing at the database.
    if (current.includes('\u0000')) {
      return { problem: { code: 'rest_invalid_characters', message: `${name} must not contain NUL characters.` } };
    }
    const length = [...current].length;
    if (schema.minLength !== undefined && length < schema.minLength) {
      const unit = schema.minLength === 1 ? 'character' : 'characters';
      return { problem: { code: 'rest_too_short', message: `${name} must be at least ${thousands(schema.minLength)} ${unit} long.` } };
    }
    if (schema.maxLength !== undefined && length > schema.maxLength) {
      const unit = schema.maxLength === 1 ? 'character' : 'characters';
      return { problem: { code: 'rest_too_long', message: `${name} must be at most ${thousands(schema.maxLength)} ${unit} long.` } };
    }
    if (schema.pattern !== undefined && !new RegExp(schema.pattern, 'u').test(current)) {
      return { problem: { code: 'rest_invalid_pattern', message: `${name} does not match pattern ${schema.pattern}.` } };
    }
  }
  if (schema.enum && !schema.enum.includes(current as string | number)) {
    return { problem: { code: 'rest_not_in_enum', message: `${name} is not one of ${listWithAnd(schema.enum)}.` } };
  }
  if (typeof current === 'string') {
    if (schema.format === 'uuid' && !isUuid(current)) {
      return { problem: { code: 'rest_invalid_uuid', message: `${name} is not a valid UUID.` } };
    }
    if (schema.format === 'email' && !EMAIL.test(current)) {
      return { problem: { code: 'rest_invalid_email', message: 'Invalid email address.' } };
    }
    // An empty URI clears a field (WordPress's esc_url_raw leaves '' empty).
    if (schema.format === 'uri' && current !== '') {
      try {
        new URL(current);
      } catch {
        return { problem: { code: 'rest_invalid_url', message: `${name} is not a valid URL.` } };
      }
    }
  }
  if (typeof current === 'number') {
    if (schema.minimum !== undefined && current < schema.minimum) {
      return { problem: { code: 'rest_out_of_bounds', message: `${name} must be greater than or equal to ${schema.minimum}` } };
    }
    if (schema.maximum !== undefined && current > schema.maximum) {
      return { problem: { code: 'rest_out_of_bounds', message: `${name} must be less than or equal to ${schema.maximum}` } };
    }
  }
  if (Array.isArray(current) && schema.items) {
    const items: unknown[] = [];
    for (let index = 0; index < current.length; index++) {
      const result = validateValue(current[index], schema.items, `${name}[${index}]`);
      if ('problem' in result) return result;
      items.push(result.value);
    }
    current = items;
  }
  return { value: current };
}

/**
 * Returns the route's parameters, validated and coerced, with defaults filled in.
 * Throws 400 `rest_missing_callback_param` or `rest_invalid_param` as WordPress does.
 */
export function validateRouteArgs(args: RouteArgs, input: Record<string, unknown>): Record<string, unknown> {
  const missing = Object.entries(args)
    .filter(([name, schema]) => schema.required && (input[name] === undefined))
    .map(([name]) => name);
  if (missing.length > 0) {
    throw new WpError('rest_missing_callback_param', `Missing parameter(s): ${missing.join(', ')}`, 400, { params: missing });
  }

  const output: Record<string, unknown> = { ...input };
  const invalid: Record<string, string> = {};
  const details: Record<string, { code: string; message: string; data: null | { status: number } }> = {};
  for (const [name, schema] of Object.entries(args)) {
    const raw = input[name];
    if (raw === undefined) {
      if (schema.default !== undefined) output[name] = schema.default;
      continue;
    }
    if (schema.sanitize) {
      const sanitized = schema.sanitize(raw);
      if ('value' in sanitized) output[name] = sanitized.value;
      else {
        invalid[name] = sanitized.message;
        details[name] = { code: sanitized.code, message: sanitized.message, data: { status: 400 } };
      }
      continue;
    }
    const result = validateValue(raw, schema, name);
    if ('problem' in result) {
      invalid[name] = result.problem.message;
      details[name] = { ...result.problem, data: null };
      continue;
    }
    // A route's own check (WordPress's validate/sanitize callbacks) runs after the schema's.
    const custom = schema.check?.(result.value);
    if (custom) {
      invalid[name] = custom.message;
      details[name] = { code: custom.code, message: custom.message, data: { status: 400 } };
      continue;
    }
    output[name] = result.value;
  }
  if (Object.keys(invalid).length > 0) {
    throw new WpError('rest_invalid_param', `Invalid parameter(s): ${Object.keys(invalid).join(', ')}`, 400, {
      params: invalid,
      details,
    });
  }
  return output;
}
