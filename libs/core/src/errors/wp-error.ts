import { HttpException } from '@nestjs/common';

export interface WpErrorBody {
  code: string;
  message: string;
  data: { status: number; [extra: string]: unknown };
}

/**
 * An error in WordPress's REST shape: `{code, message, data: {status}}`.
 * Services throw these; the global filter renders them unchanged.
 */
export class WpError extends HttpException {
  constructor(
    readonly code: string,
    message: string,
    status: number,
    readonly extraData: Record<string, unknown> = {},
    /** Extra response headers, e.g. WWW-Authenticate. */
    readonly headers: Record<string, string> = {},
  ) {
    super({ code, message, data: { status, ...extraData } } satisfies WpErrorBody, status);
  }

  get body(): WpErrorBody {
    return this.getResponse() as WpErrorBody;
  }
}

export const NO_ROUTE_MESSAGE = 'No route was found matching the URL and request method.';

export function noRoute(): WpError {
  return new WpError('rest_no_route', NO_ROUTE_MESSAGE, 404);
}
