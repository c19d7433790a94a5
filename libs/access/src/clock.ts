import { Injectable } from '@nestjs/common';

/** The time, injected wherever a decision depends on it (expiry, maximum lifetimes), so tests can move it. */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }
}
