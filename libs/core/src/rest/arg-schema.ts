/** The subset of WordPress's JSON-schema argument definitions that Gatehouse's routes use. */
export type ArgType = 'string' | 'integer' | 'number' | 'boolean' | 'array' | 'object' | 'null';

export interface ArgSchema {
  description?: string;
  type?: ArgType | ArgType[];
  enum?: readonly (string | number)[];
  format?: 'uuid' | 'email' | 'uri' | 'date-time' | 'ip';
  required?: boolean;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  /** Longest accepted string, in characters (code points, as WordPress's mb_strlen). */
  maxLength?: number;
  pattern?: string;
  items?: ArgSchema;
  properties?: Record<string, ArgSchema>;
  /** Contexts a schema property shows in; used for output filtering, not validation. */
  context?: readonly string[];
  readonly?: boolean;
  /**
   * The route's own check after the schema's (WordPress's sanitize/validate callbacks, e.g. a
   * username's characters): a problem is reported as `rest_invalid_param` with `data.status` 400.
   * Not shown in the index.
   */
  check?: (value: unknown) => { code: string; message: string } | undefined;
  /**
   * WordPress's sanitize_callback on an argument without a validate_callback: it replaces the
   * schema's checks (the schema then only describes the argument in the index). Returns the value to
   * use, or a problem reported as `check`'s are. Not shown in the index.
   */
  sanitize?: (value: unknown) => { value: unknown } | { code: string; message: string };
}

export type RouteArgs = Record<string, ArgSchema>;

/** WordPress's standard `context` argument. */
export function contextArg(defaultContext: 'view' | 'edit' | 'embed' = 'view'): ArgSchema {
  return {
    description: 'Scope under which the request is made; determines fields present in response.',
    type: 'string',
    enum: ['view', 'embed', 'edit'],
    default: defaultContext,
    required: false,
  };
}
