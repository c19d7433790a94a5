import { Injectable } from '@nestjs/common';

/** Who counts as a public author (WordPress: anyone with a published post). */
export interface PublicAuthorsSource {
  ids(): Promise<number[]>;
  includes(userId: number): Promise<boolean>;
}

/**
 * WordPress shows callers without `list_users` the authors of published posts. The users lib does
 * not know about posts: a content lib registers its source here; with none, nobody is public.
 */
@Injectable()
export class PublicAuthors {
  private source?: PublicAuthorsSource;

  register(source: PublicAuthorsSource): void {
    this.source = source;
  }

  ids(): Promise<number[]> {
    return this.source?.ids() ?? Promise.resolve([]);
  }

  includes(userId: number): Promise<boolean> {
    return this.source?.includes(userId) ?? Promise.resolve(false);
  }
}
