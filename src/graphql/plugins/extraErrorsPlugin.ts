import type { ApolloServerPlugin } from '@apollo/server';
import type { GatewayContext } from '../../context.js';
import { formatError } from '../../errors.js';

/** Appends the per-cluster errors that resolvers recorded next to partial data (imageLocations). */
export const extraErrorsPlugin: ApolloServerPlugin<GatewayContext> = {
  async requestDidStart() {
    return {
      async willSendResponse({ response, contextValue }) {
        if (contextValue.extraErrors.length === 0 || response.body.kind !== 'single') return;
        const result = response.body.singleResult;
        const extra = contextValue.extraErrors.map((err) => formatError(err.toJSON(), err));
        result.errors = [...(result.errors ?? []), ...extra];
      },
    };
  },
};
