import { type Type } from '@nestjs/common';
import { Field, Int, ObjectType } from '@nestjs/graphql';
import { BadUserInputError } from '../errors/app-errors';

@ObjectType()
export class PageInfo {
  @Field()
  hasNextPage!: boolean;

  /** Pass as `after` to get the next page; null when the page is empty. */
  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

/** The shape of a page: the items, and how to get the next page. */
export interface Page<T> {
  nodes: T[];
  pageInfo: PageInfo;
}

/**
 * A GraphQL page type for `T`: `{ nodes: [T!]!, pageInfo: PageInfo! }`, named `<T>Page`.
 *
 * @example
 * @ObjectType()
 * export class AuditLogPage extends Paginated(AuditLogEntry) {}
 */
export function Paginated<T>(itemType: Type<T>): Type<Page<T>> {
  @ObjectType({ isAbstract: true })
  abstract class PageType implements Page<T> {
    @Field(() => [itemType])
    nodes!: T[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;
  }
  return PageType as unknown as Type<Page<T>>;
}

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

/** Validates `first` (1..200, default 50). */
export function pageSize(first: number | null | undefined): number {
  if (first == null) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw new BadUserInputError([{ path: 'first', message: `must be an integer from 1 to ${MAX_PAGE_SIZE}` }]);
  }
  return first;
}

/** Opaque cursor for a key (an id, a timestamp+id...): base64url of `<kind>:<key>`. */
export function encodeCursor(kind: string, key: string): string {
  return Buffer.from(`${kind}:${key}`, 'utf8').toString('base64url');
}

/** The key inside a cursor made by {@link encodeCursor}; BAD_USER_INPUT on anything else. */
export function decodeCursor(kind: string, cursor: string, path = 'after'): string {
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!decoded.startsWith(`${kind}:`) || decoded.length === kind.length + 1) {
    throw new BadUserInputError([{ path, message: 'is not a cursor of this list' }]);
  }
  return decoded.slice(kind.length + 1);
}

/** Page-size helper used in Args: `first` as Int. */
export const FirstArg = { type: () => Int, nullable: true } as const;
