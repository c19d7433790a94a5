import { Injectable } from '@nestjs/common';

/**
 * The time every token decision uses (expiry, not-before, refresh inactivity). Injected so tests move
 * time without sleeping: `jest.spyOn(app.get(TokenClock), 'now')`.
 */
@Injectable()
export class TokenClock {
  now(): Date {
    return new Date();
  }

  seconds(): number {
    return Math.floor(this.now().getTime() / 1000);
  }
}
