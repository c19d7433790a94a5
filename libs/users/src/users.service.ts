import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { ALL_GRANTS, GrantEventsService, GrantScopedCache, isRoleName, RoleName } from '@gatehouse/access';
import { GATEHOUSE_CONFIG, WpError } from '@gatehouse/core';
import type { GatehouseConfig } from '@gatehouse/core';
import { randomBytes } from 'node:crypto';
import { DataSource, QueryFailedError, Repository } from 'typeorm';
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

function slugify(value: string): string {
  return value.toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 50) || 'user';
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
   */
  async findById(id: number): Promise<Readonly<User> | null> {
    if (!Number.isSafeInteger(id) || id <= 0 || id > 2_147_483_647) return null;
    const key = String(id);
    const cached = await this.byId.getFresh(key);
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
    if (login === '' || login.length > 60 || !LOGIN_PATTERN.test(login)) {
      throw new WpError('rest_user_invalid_username', 'This username is invalid because it uses illegal characters. Please enter a valid username.', 400);
    }
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
