import { Controller, HttpCode, Inject, Req, Res } from '@nestjs/common';
import { WpParams } from '@gatehouse/access';
import { GATEHOUSE_CONFIG, Public, RestRoute, WpError } from '@gatehouse/core';
import type { GatehouseConfig } from '@gatehouse/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthorizeService } from './authorize.service';

export const EXCHANGE_ROUTE = '/gatehouse/v1/authorize/exchange';

const EXCHANGE_ARGS = {
  code: { description: 'The single-use code the authorize-application redirect carried.', type: 'string', required: true },
  code_verifier: { description: 'The PKCE verifier whose S256 hash was sent as code_challenge.', type: 'string', required: true },
} as const;

/** `POST /wp-json/gatehouse/v1/authorize/exchange`: code + PKCE verifier → the new application password, once. */
@Controller()
export class AuthorizeExchangeController {
  constructor(
    private readonly authorize: AuthorizeService,
    @Inject(GATEHOUSE_CONFIG) private readonly config: GatehouseConfig,
  ) {}

  @RestRoute('POST', EXCHANGE_ROUTE, EXCHANGE_ARGS)
  @HttpCode(200)
  @Public()
  async exchange(@WpParams() params: Record<string, unknown>, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    if (this.config.env === 'production' && request.protocol !== 'https') {
      throw new WpError('application_passwords_disabled', 'Application passwords are not available.', 501);
    }
    const result = await this.authorize.exchange(String(params.code), String(params.code_verifier));
    reply.header('Cache-Control', 'no-store').header('Pragma', 'no-cache');
    return result;
  }
}
