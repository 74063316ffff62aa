import type { ApolloServerPlugin } from '@apollo/server';
import type { GatewayContext } from '../../context.js';
import { createOperationMemo } from '../createOperationMemo.js';
import { isImmutableOperation } from '../isImmutableOperation.js';

/** What the HTTP adapter needs to know about one executed request to choose its caching headers. */
export interface AnswerVerdict {
  /** Every field the operation selects is immutable (isImmutableOperation). */
  readonly immutable: boolean;
  /** The answer carries at least one error (and so perhaps partial data). */
  readonly hasErrors: boolean;
}

const verdicts = new WeakMap<object, AnswerVerdict>();

/**
 * The verdict on the answer whose headers these are (the `headers` of the HTTPGraphQLResponse
 * that executeHTTPGraphQLRequest returns are the `response.http.headers` plugins see; the
 * context is no key, as Apollo hands plugins a copy of it); undefined when Apollo never got as
 * far as sending an answer through the plugins (an HTTP-level refusal such as CSRF).
 */
export function answerVerdictOf(headers: object): AnswerVerdict | undefined {
  return verdicts.get(headers);
}

const rememberedVerdict = createOperationMemo<boolean>();

/**
 * Decides, per request, whether the answer holds only immutable content: statically from the
 * resolved operation and its variables (isImmutableOperation), then from the answer (an error
 * anywhere, including the per-cluster errors extraErrorsPlugin appends, rules caching out). The
 * headers themselves are the HTTP adapter's (src/http/createGraphQLHandler.ts): it owns the bytes.
 */
export const httpCachePlugin: ApolloServerPlugin<GatewayContext> = {
  async requestDidStart() {
    let immutable = false;
    return {
      async didResolveOperation({ schema, document, operation, request }) {
        immutable =
          operation !== undefined &&
          rememberedVerdict(schema, operation, request.variables, '', () =>
            isImmutableOperation(schema, document, operation, request.variables),
          );
      },
      async willSendResponse({ response, contextValue }) {
        const hasErrors =
          response.body.kind !== 'single' ||
          (response.body.singleResult.errors?.length ?? 0) > 0 ||
          contextValue.extraErrors.length > 0;
        verdicts.set(response.http.headers, { immutable, hasErrors });
      },
    };
  },
};
