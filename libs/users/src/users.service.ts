import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { ALL_GRANTS, GrantEventsService, GrantScopedCache, isRoleName, RoleName } from '@gatehouse/access';
import { GATEHOUSE_CONFIG, WpError } from '@gatehouse/core';
import type { GatehouseConfig } from '@gatehouse/core';
import { randomBytes } from 'node:crypto';
import { DataSource, EntityManager, QueryFailedError, Repository } from 'typeorm';
import { User } from './entities/user.entity';
import { hashLoginPassword, verifyLoginPassword } from './password-hasher';

export interface CreateUserInput {
  login: string;
  email: string;
  password: string;
  role?: RoleName;
  name?: string;
  firstName?: string;
  lastName?: string;
  nickname?: string;
  description?: string;
  url?: string;
  locale?: string;
  slug?: string;
}

/** Fields an update may change (WordPress's wp_update_user, less the login, which is fixed). */
export type UpdateUserInput = Partial<Omit<CreateUserInput, 'login'>>;

/**
 * What other libs do when a user changes, inside the change's transaction (the users lib knows
 * nothing of their tables): the content lib moves a deleted user's posts, the sessions lib ends
 * login sessions when the password changes.
 */
export interface UserLifecycleHooks {
  /** Before the user's row is deleted (grants, sessions and anything not moved here cascade with it). */
  beforeDelete?(manager: EntityManager, userId: number, reassignTo: number | null): Promise<void>;
  /** After the login password changed: end the user's login sessions, all but `keepSessionId`. */
  afterPasswordChange?(manager: EntityManager, userId: number, keepSessionId: string | undefined): Promise<void>;
}

export type UserOrderBy = 'id' | 'name' | 'registered_date' | 'slug' | 'email' | 'url' | 'username';

/**
 * Who has published content, for what anonymous callers may see of users (WordPress shows them only
 * authors of published posts). A content lib registers one with `UsersService.usePublishedAuthors`;
 * until then nobody has published anything.
 */
export interface PublishedAuthors {
  hasPublished(userId: number): Promise<boolean>;
  /** SQL condition on the users alias `user` selecting authors with published content, e.g. an EXISTS subquery. */
  sqlCondition(userAlias: string): string;
}

const LOGIN_PATTERN = /^[A-Za-z0-9 _.\-@]+$/;

/** WordPress's sanitize_title for a nicename, without shortening it. */
function sanitizeSlug(value: string): string {
  return value.toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '');
}

function slugify(value: string): string {
  return sanitizeSlug(value).slice(0, 50) || 'user';
}

/** wp_insert_user's length rules, with its codes (WordPress's columns are as wide as ours). */
export const USER_LOGIN_MAX = 60;
export const USER_URL_MAX = 100;
export const USER_SLUG_MAX = 50;

/** wp_insert_user's url and nicename rules (the login's is checked with its characters). */
function checkWidths(input: { url?: string; slug?: string }): void {
  if (input.url !== undefined && [...input.url].length > USER_URL_MAX) {
    throw new WpError('user_url_too_long', `User URL may not be longer than ${USER_URL_MAX} characters.`, 400);
  }
  if (input.slug !== undefined && sanitizeSlug(input.slug).length > USER_SLUG_MAX) {
    throw new WpError('user_nicename_too_long', `Nicename may not be longer than ${USER_SLUG_MAX} characters.`, 400);
  }
}

function loginTooLong(): WpError {
  return new WpError('user_login_too_long', `Username may not be longer than ${USER_LOGIN_MAX} characters.`, 400);
}

function invalidEmail(): WpError {
  return new WpError('rest_user_invalid_email', 'Invalid email address.', 400);
}

function invalidSlug(): WpError {
  return new WpError('rest_user_invalid_slug', 'Invalid slug.', 400);
}

@Injectable()
export class UsersService implements OnModuleDestroy {
  /**
   * Users by id, so a credential's request (`/users/me`, a token's owner) costs no query. Entries
   * belong to no grant: every change to a user publishes ALL_GRANTS (as cached principals carry the
   * role, login and email too), which empties it in every process; see GrantScopedCache.
   */
  private readonly byId: GrantScopedCache<User>;

  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly grantEvents: GrantEventsService,
    @Inject(GATEHOUSE_CONFIG) private readonly config: GatehouseConfig,
  ) {
    this.byId = new GrantScopedCache<User>(grantEvents, { grantOf: () => undefined });
  }

  onModuleDestroy(): void {
    this.byId.dispose();
  }

  /**
   * The user with this id, from the cache or one query. The user is shared with other requests, so it
   * is frozen (a write throws): copy it to change it, and change users through this service.
   * Unlike the credential caches, this one does not wait for the revocation listener to catch up
   * (`getFresh`): no credential is accepted on the strength of this row (principals carry their own,
   * fresh, role), so a change made by another instance may show here a few milliseconds late, and a
   * request does not pay a second round trip for it.
   */
  async findById(id: number): Promise<Readonly<User> | null> {
    if (!Number.isSafeInteger(id) || id <= 0 || id > 2_147_483_647) return null;
    const key = String(id);
    const cached = this.byId.get(key);
    if (cached) return cached;
    const snapshot = this.byId.snapshot();
    const user = await this.users.findOneBy({ id });
    if (!user) return null;
    Object.freeze(user);
    this.byId.set(key, user, snapshot);
    return user;
  }

  /** WordPress looks up logins and emails without regard to case. */
  findByLogin(login: string): Promise<User | null> {
    return this.users.createQueryBuilder('user').where('lower(user.login) = lower(:login)', { login }).getOne();
  }

  findByEmail(email: string): Promise<User | null> {
    return this.users.createQueryBuilder('user').where('lower(user.email) = lower(:email)', { email }).getOne();
  }

  /** A login containing `@` is looked up as an email, as WordPress does. */
  findByLoginOrEmail(identifier: string): Promise<User | null> {
    return identifier.includes('@') ? this.findByEmail(identifier) : this.findByLogin(identifier);
  }

  count(): Promise<number> {
    return this.users.count();
  }

  private publishedAuthors?: PublishedAuthors;

  /** The content lib says who has published content (see PublishedAuthors). */
  usePublishedAuthors(source: PublishedAuthors): void {
    this.publishedAuthors = source;
  }

  hasPublishedContent(userId: number): Promise<boolean> {
    return this.publishedAuthors ? this.publishedAuthors.hasPublished(userId) : Promise.resolve(false);
  }

  async list(options: { page: number; perPage: number; search?: string; roles?: string[]; order: 'asc' | 'desc'; orderBy: UserOrderBy; onlyPublishedAuthors?: boolean }): Promise<{ users: User[]; total: number }> {
    if (options.onlyPublishedAuthors && !this.publishedAuthors) return { users: [], total: 0 };
    const query = this.users.createQueryBuilder('user');
    if (options.onlyPublishedAuthors && this.publishedAuthors) query.andWhere(this.publishedAuthors.sqlCondition('user'));
    if (options.search) {
      const pattern = `%${options.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      query.andWhere('(user.login ILIKE :pattern OR user.email ILIKE :pattern OR user.display_name ILIKE :pattern OR user.url ILIKE :pattern OR user.slug ILIKE :pattern)', { pattern });
    }
    if (options.roles && options.roles.length > 0) query.andWhere('user.role IN (:...roles)', { roles: options.roles });
    const column = {
      id: 'user.id',
      name: 'user.display_name',
      registered_date: 'user.registered_at',
      slug: 'user.slug',
      email: 'user.email',
      url: 'user.url',
      username: 'user.login',
    }[options.orderBy];
    query.orderBy(column, options.order === 'asc' ? 'ASC' : 'DESC').addOrderBy('user.id', 'ASC');
    query.skip((options.page - 1) * options.perPage).take(options.perPage);
    const [users, total] = await query.getManyAndCount();
    return { users, total };
  }

  async create(input: CreateUserInput): Promise<User> {
    const login = input.login.trim();
    if ([...login].length > USER_LOGIN_MAX) throw loginTooLong();
    if (login === '' || !LOGIN_PATTERN.test(login)) {
      throw new WpError('rest_user_invalid_username', 'This username is invalid because it uses illegal characters. Please enter a valid username.', 400);
    }
    checkWidths(input);
    const role = input.role ?? 'subscriber';
    if (!isRoleName(role)) throw new WpError('rest_user_invalid_role', 'Sorry, you are not allowed to give users that role.', 400);
    if (await this.findByLogin(login)) {
      throw new WpError('existing_user_login', 'Sorry, that username already exists!', 400);
    }
    if (await this.findByEmail(input.email)) {
      throw new WpError('existing_user_email', 'Sorry, that email address is already used!', 400);
    }
    const user = this.users.create({
      login,
      email: input.email.trim(),
      passwordHash: await hashLoginPassword(input.password),
      displayName: input.name ?? login,
      nickname: input.nickname ?? login,
      firstName: input.firstName ?? '',
      lastName: input.lastName ?? '',
      description: input.description ?? '',
      url: input.url ?? '',
      locale: input.locale ?? 'en_US',
      slug: await this.uniqueSlug(input.slug ?? login),
      role,
    });
    try {
      return await this.users.save(user);
    } catch (error) {
      // Two creations racing past the checks above meet the unique indexes.
      if (error instanceof QueryFailedError && (error as { constraint?: string }).constraint?.startsWith('uq_users_')) {
        const constraint = (error as { constraint?: string }).constraint;
        if (constraint === 'uq_users_email') throw new WpError('existing_user_email', 'Sorry, that email address is already used!', 400);
        throw new WpError('existing_user_login', 'Sorry, that username already exists!', 400);
      }
      throw error;
    }
  }

  /** Checks a login password (argon2id); used by the login page, never by the REST API's Basic auth. */
  async verifyPassword(userId: number, password: string): Promise<boolean> {
    const row = await this.users.createQueryBuilder('user').addSelect('user.passwordHash').where('user.id = :id', { id: userId }).getOne();
    return !!row?.passwordHash && verifyLoginPassword(row.passwordHash, password);
  }

  async setRole(userId: number, role: RoleName): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.update(User, { id: userId }, { role });
      // Cached principals carry the role: every process must forget them.
      await this.grantEvents.publish(manager, ALL_GRANTS);
    });
  }

  /** Lifecycle hooks of other libs (see UserLifecycleHooks); called in registration order. */
  private readonly lifecycleHooks: UserLifecycleHooks[] = [];

  addLifecycleHooks(hooks: UserLifecycleHooks): void {
    this.lifecycleHooks.push(hooks);
  }

  /**
   * WordPress's wp_update_user for the fields given, in one transaction that also tells every
   * process to drop cached principals (role, login, email). Rules checked here: the email and slug
   * must not be another user's (rest_user_invalid_email / rest_user_invalid_slug), wp_insert_user's
   * lengths (user_url_too_long, user_nicename_too_long). Who may change what is the caller's check.
   * A password change ends the user's login sessions but `keepSessionId` (WordPress's cookies die
   * with the old password hash).
   */
  async update(userId: number, input: UpdateUserInput, options: { keepSessionId?: string } = {}): Promise<User> {
    checkWidths(input);
    // An empty slug (or one that sanitizes to nothing) leaves it as it is.
    const slug = input.slug !== undefined && sanitizeSlug(input.slug) !== '' ? sanitizeSlug(input.slug) : undefined;
    if (input.role !== undefined && !isRoleName(input.role)) throw new WpError('rest_user_invalid_role', `The role ${String(input.role)} does not exist.`, 400);
    // Hashing is slow: done before the transaction, so no row lock waits on argon2.
    const passwordHash = input.password !== undefined ? await hashLoginPassword(input.password) : undefined;
    try {
      return await this.dataSource.transaction(async (manager) => {
        const user = await manager.findOne(User, { where: { id: userId }, lock: { mode: 'pessimistic_write' } });
        if (!user) throw new WpError('rest_user_invalid_id', 'Invalid user ID.', 404);
        const changes: Partial<User> = {};
        if (input.email !== undefined) {
          const email = input.email.trim();
          if (email.toLowerCase() !== user.email.toLowerCase()) {
            const owner = await manager.createQueryBuilder(User, 'user').where('lower(user.email) = lower(:email)', { email }).getOne();
            if (owner && owner.id !== user.id) throw invalidEmail();
          }
          changes.email = email;
        }
        if (slug !== undefined && slug !== user.slug) {
          if (await manager.existsBy(User, { slug })) throw invalidSlug();
          changes.slug = slug;
        }
        if (input.name !== undefined) changes.displayName = input.name;
        if (input.firstName !== undefined) changes.firstName = input.firstName;
        if (input.lastName !== undefined) changes.lastName = input.lastName;
        if (input.nickname !== undefined) changes.nickname = input.nickname;
        if (input.description !== undefined) changes.description = input.description;
        if (input.url !== undefined) changes.url = input.url;
        // WordPress stores an empty locale as "use the site's".
        if (input.locale !== undefined) changes.locale = input.locale === '' ? 'en_US' : input.locale;
        if (input.role !== undefined) changes.role = input.role;
        const row = passwordHash !== undefined ? { ...changes, passwordHash } : changes;
        if (Object.keys(row).length > 0) await manager.update(User, { id: user.id }, row);
        if (passwordHash !== undefined) {
          for (const hooks of this.lifecycleHooks) await hooks.afterPasswordChange?.(manager, user.id, options.keepSessionId);
        }
        // Cached principals carry the role, login and email: every process must forget them.
        await this.grantEvents.publish(manager, ALL_GRANTS);
        return Object.assign(user, changes);
      });
    } catch (error) {
      // Two updates racing past the checks above meet the unique indexes.
      const constraint = error instanceof QueryFailedError ? (error.driverError as { constraint?: string }).constraint : undefined;
      if (constraint === 'uq_users_email') throw invalidEmail();
      if (constraint === 'uq_users_slug') throw invalidSlug();
      throw error;
    }
  }

  /** Sets the login password (argon2id); ends the user's other login sessions, as update does. */
  async setPassword(userId: number, password: string, options: { keepSessionId?: string } = {}): Promise<void> {
    await this.update(userId, { password }, options);
  }

  /**
   * WordPress's wp_delete_user: the user's posts go to `reassignTo` (another existing user), or are
   * deleted with them; their credentials, tokens and sessions cascade. Every process forgets cached
   * principals in the same transaction. Returns the user as it was.
   */
  async delete(userId: number, reassignTo: number | null): Promise<User> {
    return this.dataSource.transaction(async (manager) => {
      const user = await manager.findOne(User, { where: { id: userId }, lock: { mode: 'pessimistic_write' } });
      if (!user) throw new WpError('rest_user_invalid_id', 'Invalid user ID.', 404);
      if (reassignTo !== null) {
        const valid = reassignTo !== user.id && Number.isSafeInteger(reassignTo) && reassignTo > 0 && reassignTo <= 2_147_483_647
          // The heir is locked too, so it cannot be deleted while it inherits.
          && (await manager.findOne(User, { where: { id: reassignTo }, lock: { mode: 'pessimistic_write' } })) !== null;
        if (!valid) throw new WpError('rest_user_invalid_reassign', 'Invalid user ID for reassignment.', 400);
      }
      for (const hooks of this.lifecycleHooks) await hooks.beforeDelete?.(manager, user.id, reassignTo);
      await manager.delete(User, { id: user.id });
      await this.grantEvents.publish(manager, ALL_GRANTS);
      return user;
    });
  }

  /**
   * First start: when no user exists, create `admin` with GATEHOUSE_ADMIN_PASSWORD or a generated
   * password, which is returned so the caller can print it once.
   */
  async ensureAdministrator(): Promise<{ created: false } | { created: true; login: string; password: string; generated: boolean }> {
    if ((await this.count()) > 0) return { created: false };
    const generated = this.config.adminPassword === undefined;
    const password = this.config.adminPassword ?? randomBytes(15).toString('base64url');
    await this.create({ login: 'admin', email: 'admin@localhost.localdomain', password, role: 'administrator' });
    return { created: true, login: 'admin', password, generated };
  }

  private async uniqueSlug(base: string): Promise<string> {
    const root = slugify(base);
    let candidate = root;
    for (let suffix = 2; await this.users.existsBy({ slug: candidate }); suffix++) candidate = `${root.slice(0, 45)}-${suffix}`;
    return candidate;
  }
}
