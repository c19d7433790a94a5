import { Injectable } from '@nestjs/common';

/**
 * The time every rule in this lib reads (sessions, throttle, TOTP steps, exchange-code expiry), so tests
 * can move it without sleeping: `app.get(Clock).now = () => later`.
 */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }
}
