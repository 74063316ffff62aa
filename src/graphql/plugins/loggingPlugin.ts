import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLError } from 'graphql';
import type { GatewayContext } from '../../context.js';
import { GatewayError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import { redactSecrets } from '../../upstream/redactSecrets.js';

/** What the cause of an internal error says, for the log: its stack, credentials stripped. */
function causeOf(error: unknown): string {
  let current: unknown = error;
  // graphql-js wraps a resolver's error once (originalError); GatewayError keeps its cause.
  for (let i = 0; i < 4 && current instanceof Error; i++) {
    const next =
      (current as { originalError?: unknown }).originalError ??
      (current as { cause?: unknown }).cause;
    if (next === undefined) break;
    current = next;
  }
  const text = current instanceof Error ? (current.stack ?? current.message) : String(current);
  return redactSecrets(text).slice(0, 4_000);
}

function logInternalErrors(
  logger: Logger,
  requestId: string,
  errors: readonly GraphQLError[],
): void {
  for (const error of errors) {
    const original = (error as { originalError?: unknown }).originalError ?? error;
    const code =
      original instanceof GatewayError
        ? original.code
        : (error.extensions['code'] as string | undefined);
    if (code !== undefined && code !== 'INTERNAL_SERVER_ERROR') continue;
    logger.error(
      { requestId, path: error.path?.join('.'), cause: causeOf(original) },
      'internal error',
    );
  }
}

/**
 * One log line per operation (request id, operation name, duration, error codes), and one line
 * per internal error with its cause: the client sees "Internal server error" and nothing more,
 * so the log is where the reason must be. Never headers, tokens or variables.
 */
export const loggingPlugin: ApolloServerPlugin<GatewayContext> = {
  async requestDidStart({ contextValue }) {
    const started = performance.now();
    const { logger, requestId } = contextValue;
    return {
      async didEncounterErrors({ errors }) {
        logInternalErrors(logger, requestId, errors);
      },
      async willSendResponse({ response, operationName }) {
        logInternalErrors(logger, requestId, contextValue.extraErrors);
        const body = response.body.kind === 'single' ? response.body.singleResult : undefined;
        // Counts per code, not one entry per error: 5,000 errors make one short line.
        const codes: Record<string, number> = {};
        for (const e of body?.errors ?? []) {
          const code = typeof e.extensions?.['code'] === 'string' ? e.extensions['code'] : 'NONE';
          codes[code] = (codes[code] ?? 0) + 1;
        }
        logger.info(
          {
            requestId,
            operationName: operationName?.slice(0, 100) ?? null,
            ms: Math.round(performance.now() - started),
            errors: codes,
          },
          'graphql request',
        );
      },
    };
  },
};
