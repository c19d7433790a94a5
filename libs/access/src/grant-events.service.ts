import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Client } from 'pg';
import type { DataSource, EntityManager } from 'typeorm';
import type { PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresConnectionOptions';

export const GRANT_CHANNEL = 'gatehouse_grants';
export const LISTENER_APPLICATION_NAME = 'gatehouse-grant-listener';
/** Payload meaning "anything may have changed" (a user's role, a bulk revocation). */
export const ALL_GRANTS = '*';

type Listener = (grantId: string) => void;

/**
 * Tells every process sharing the database that grants changed, through PostgreSQL LISTEN/NOTIFY, so
 * credential caches drop what a revocation made by any process (another instance, the CLI) ended.
 * While the listening connection is down, `listening` is false and caches must not be trusted.
 */
@Injectable()
export class GrantEventsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('GrantEvents');
  private readonly listeners = new Set<Listener>();
  private client?: Client;
  private connected = false;
  private closing = false;
  private retry?: NodeJS.Timeout;
  /** The round trip under way on the listening connection, and the one queued behind it. */
  private running?: Promise<void>;
  private waiting?: Promise<void>;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  get listening(): boolean {
    return this.connected;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.connect();
  }

  async onApplicationShutdown(): Promise<void> {
    this.closing = true;
    if (this.retry) clearTimeout(this.retry);
    this.connected = false;
    await this.client?.end().catch(() => undefined);
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Announces a change to `grantId` (or ALL_GRANTS). Called inside the change's transaction, the
   * notification is delivered to other processes when it commits; this process forgets at once.
   */
  async publish(manager: EntityManager, grantId: string): Promise<void> {
    await manager.query('SELECT pg_notify($1, $2)', [GRANT_CHANNEL, grantId]);
    this.emit(grantId);
  }

  /**
   * Resolves once every notification committed before this call has been handled here. PostgreSQL
   * hands a listening session its pending notifications before it answers a query, so one round
   * trip on the listening connection that *starts* after the call is enough. Callers arriving while a
   * round trip is under way share the next one, so a busy server pays one trip per batch, not per
   * request. Rejects when the listener is down (callers then read the database instead).
   */
  caughtUp(): Promise<void> {
    const client = this.client;
    if (!this.connected || !client) return Promise.reject(new Error('revocation listener is down'));
    if (this.waiting) return this.waiting;
    const start = (): Promise<void> => {
      this.waiting = undefined;
      const trip = client.query('SELECT 1').then(() => undefined);
      this.running = trip;
      const clear = () => {
        if (this.running === trip) this.running = undefined;
      };
      trip.then(clear, clear);
      return trip;
    };
    if (!this.running) return start();
    this.waiting = this.running.then(start, start);
    return this.waiting;
  }

  private emit(grantId: string): void {
    for (const listener of this.listeners) listener(grantId);
  }

  private async connect(): Promise<void> {
    const options = this.dataSource.options as PostgresConnectionOptions;
    // Named, so operators (and tests) can tell the listening session apart in pg_stat_activity.
    const client = new Client({ connectionString: options.url, application_name: LISTENER_APPLICATION_NAME });
    this.client = client;
    let gone = false;
    const lost = (error?: Error) => {
      // A dropped connection reports both `error` and `end`: reconnect once.
      if (gone || this.client !== client || this.closing) return;
      gone = true;
      this.connected = false;
      this.running = undefined;
      this.waiting = undefined;
      this.emit(ALL_GRANTS);
      if (error) this.logger.warn(`revocation listener lost: ${error.message}; retrying`);
      this.retry = setTimeout(() => void this.connect(), 1000);
    };
    client.on('notification', (message) => this.emit(message.payload ?? ALL_GRANTS));
    client.on('error', lost);
    client.on('end', () => lost());
    try {
      await client.connect();
      await client.query(`LISTEN ${GRANT_CHANNEL}`);
      this.connected = true;
      // Anything cached while we were deaf may be stale.
      this.emit(ALL_GRANTS);
    } catch (error) {
      lost(error as Error);
    }
  }
}
