import Type, { type Static, type TSchema } from 'typebox';

// Shapes every HTTP API shares: empty answers, redirects, and cursor paging.

/** A 204 answer: no body. */
export const NoContent = Type.Null({ description: 'No content' });

/** A 302 answer: no body, the target in `Location`. */
export const Redirect = Type.Null({ description: 'Redirect; the target is in the Location header' });

/** `?cursor=&limit=` of a paged list; the cursor is opaque base64url (the previous page's `nextCursor`). */
export const PageQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 256, pattern: '^[A-Za-z0-9_-]+$' })),
};

/** A query of a paged list with its own filters: `PageQueryWith({ live: Type.Boolean() })`. */
export function PageQueryWith<P extends Record<string, TSchema>>(filters: P) {
  return Type.Object({ ...filters, ...PageQuery }, { additionalProperties: false });
}

/** One page of a list: its items and the cursor of the next page (null on the last one). */
export function Page<T extends TSchema>(item: T) {
  return Type.Object(
    { items: Type.Array(item), nextCursor: Type.Union([Type.String(), Type.Null()]) },
    { additionalProperties: false },
  );
}
export type Page<T> = { items: T[]; nextCursor: string | null };

export const PagingQuery = Type.Object(PageQuery, { additionalProperties: false });
export type PagingQuery = Static<typeof PagingQuery>;
