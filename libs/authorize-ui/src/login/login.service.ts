import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { Clock, GATEHOUSE_CONFIG, keyedHash, safeEqual } from '@gatehouse/core';
import type { GatehouseConfig } from '@gatehouse/core';
import { hashLoginPassword, User, UsersService, verifyLoginPassword } from '@gatehouse/users';
import { randomBytes } from 'node:crypto';
import { TwoFactorService } from '../two-factor/two-factor.service';
import { LoginThrottleService } from './login-throttle.service';

/** How long the second step may wait after a correct password. */
export const PENDING_LOGIN_TTL_MS = 5 * 60_000;

export type LoginOutcome =
  | { kind: 'throttled'; retryAfter: number }
  | { kind: 'invalid' }
  | { kind: 'ok'; user: User }
  | { kind: 'two-factor'; user: User; pending: string };

/**
 * The rules of logging in: throttle first (per typed account and per address), then argon2id — against
 * a dummy hash when the account is unknown, so the answer and its timing say nothing about whether the
 * account exists — then, when enabled, a second step with a TOTP or recovery code.
 */
@Injectable()
export class LoginService implements OnModuleInit {
  private dummyHash = '';

  constructor(
    private readonly users: UsersService,
    private readonly throttle: LoginThrottleService,
    private readonly twoFactor: TwoFactorService,
    private readonly clock: Clock,
    @Inject(GATEHOUSE_CONFIG) private readonly config: GatehouseConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    this.dummyHash = await hashLoginPassword(randomBytes(16).toString('hex'));
  }

  /** `binding` ties the pending second step to this browser (its pre-session cookie). */
  async checkPassword(identifier: string, password: string, ip: string, remember: boolean, binding: string): Promise<LoginOutcome> {
    const accountKey = this.throttle.accountKey(identifier);
    const retryAfter = await this.throttle.retryAfter(accountKey, ip);
    if (retryAfter > 0) return { kind: 'throttled', retryAfter };

    const user = identifier.trim() === '' ? null : await this.users.findByLoginOrEmail(identifier.trim());
    const valid = user ? await this.users.verifyPassword(user.id, password) : await verifyLoginPassword(this.dummyHash, password).then(() => false);
    if (!user || !valid) {
      await this.throttle.recordFailure(accountKey, ip);
      return { kind: 'invalid' };
    }
    await this.throttle.clearAccount(accountKey);
    if (await this.twoFactor.isEnabled(user.id)) return { kind: 'two-factor', user, pending: this.signPending(user.id, remember, binding) };
    return { kind: 'ok', user };
  }

  /** The second step; its failures are throttled like passwords, per user and per address. */
  async checkSecondFactor(pending: string, code: string, ip: string, binding: string): Promise<{ kind: 'expired' } | { kind: 'throttled'; retryAfter: number } | { kind: 'invalid' } | { kind: 'ok'; user: User; remember: boolean }> {
    const parsed = this.readPending(pending, binding);
    if (!parsed) return { kind: 'expired' };
    const accountKey = this.throttle.accountKey(`#two-factor:${parsed.userId}`);
    const retryAfter = await this.throttle.retryAfter(accountKey, ip);
    if (retryAfter > 0) return { kind: 'throttled', retryAfter };
    const user = await this.users.findById(parsed.userId);
    if (!user) return { kind: 'expired' };
    if (!(await this.twoFactor.verify(user.id, code))) {
      await this.throttle.recordFailure(accountKey, ip);
      return { kind: 'invalid' };
    }
    await this.throttle.clearAccount(accountKey);
    return { kind: 'ok', user, remember: parsed.remember };
  }

  private signPending(userId: number, remember: boolean, binding: string): string {
    const payload = `${userId}.${this.clock.now().getTime() + PENDING_LOGIN_TTL_MS}.${remember ? 1 : 0}`;
    return `${payload}.${this.mac(payload, binding)}`;
  }

  private readPending(token: string, binding: string): { userId: number; remember: boolean } | null {
    const match = /^(\d{1,10})\.(\d{1,15})\.([01])\.([A-Za-z0-9_-]{43})$/.exec(token);
    if (!match) return null;
    const payload = `${match[1]}.${match[2]}.${match[3]}`;
    if (!safeEqual(Buffer.from(this.mac(payload, binding)), Buffer.from(match[4]))) return null;
    if (Number(match[2]) <= this.clock.now().getTime()) return null;
    return { userId: Number(match[1]), remember: match[3] === '1' };
  }

  private mac(payload: string, binding: string): string {
    return keyedHash(this.config.secret, `pending-login|${payload}|${binding}`).toString('base64url');
  }
}
