import type { GraphQLResolveInfo } from 'graphql';
import type { ResolverFn, ResolverWithResolve } from '../../src/generated/graphql.js';

/** What graphql-js passes as `info` to a resolver that does not read it. */
const NO_INFO = {} as GraphQLResolveInfo;

/**
 * Calls one field resolver of a resolver map as graphql-js does: the map may hold a function or
 * an object with `resolve`. Typed by the map, so a test passes the parent, arguments and context
 * the resolver really takes.
 */
export async function callResolver<TResult, TParent, TContext, TArgs>(
  resolver:
    | ResolverFn<TResult, TParent, TContext, TArgs>
    | ResolverWithResolve<TResult, TParent, TContext, TArgs>
    | undefined,
  parent: TParent,
  args: TArgs,
  context: TContext,
): Promise<Awaited<TResult>> {
  if (resolver === undefined) throw new Error('the resolver map has no such field');
  const fn = typeof resolver === 'function' ? resolver : resolver.resolve;
  return await fn(parent, args, context, NO_INFO);
}
