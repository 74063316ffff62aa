import type { ApolloServerPlugin } from '@apollo/server';
import { SpanStatusCode } from '@opentelemetry/api';
import type { GatewayContext } from '../../context.js';
import type { Tracing } from '../../tracing/createTracing.js';

/** A span per GraphQL operation; the context hands it to upstream calls as their parent. */
export function tracingPlugin(tracing: Tracing): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart({ contextValue }) {
      const span = tracing.tracer.startSpan('graphql.operation', {
        attributes: { 'gateway.request_id': contextValue.requestId },
      });
      contextValue.trace.span = span;
      return {
        async didResolveOperation({ operationName, operation }) {
          const type = operation?.operation ?? 'query';
          span.updateName(`${type} ${operationName ?? 'anonymous'}`);
          span.setAttribute('graphql.operation.type', type);
          if (operationName)
            span.setAttribute('graphql.operation.name', operationName.slice(0, 100));
        },
        async willSendResponse({ response }) {
          const body = response.body.kind === 'single' ? response.body.singleResult : undefined;
          const errors = body?.errors?.length ?? 0;
          span.setAttribute('graphql.errors', errors);
          if (errors > 0) span.setStatus({ code: SpanStatusCode.ERROR });
          span.end();
        },
      };
    },
  };
}
