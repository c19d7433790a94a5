import { Injectable } from '@nestjs/common';

/**
 * The time source of rules that depend on it (usage recorded at most once a minute, token lifetimes),
 * injected so tests can move time instead of sleeping.
 */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }
}
