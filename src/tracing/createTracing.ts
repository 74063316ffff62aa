import {
  context,
  SpanKind,
  SpanStatusCode,
  trace,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  SimpleSpanProcessor,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import type { UpstreamCall } from '../upstream/createImageApiClient.js';

/**
 * Optional OpenTelemetry tracing: a span per GraphQL operation and a child span per upstream
 * call. Off unless an exporter is given (then nothing is recorded and nothing is exported).
 * The provider is the gateway's own; nothing is registered globally.
 */
export interface Tracing {
  readonly tracer: Tracer;
  /** Records one upstream call as a child of the operation span. */
  upstreamSpan(parent: Span | undefined, call: UpstreamCall): void;
  shutdown(): Promise<void>;
}

export interface TracingOptions {
  /** Where spans go: an OTLP/HTTP endpoint (batched), or an exporter (tests: in memory, unbatched). */
  readonly otlpEndpoint?: string;
  readonly exporter?: SpanExporter;
}

export function createTracing(options: TracingOptions): Tracing {
  const processor = options.exporter
    ? new SimpleSpanProcessor(options.exporter)
    : new BatchSpanProcessor(
        new OTLPTraceExporter(
          options.otlpEndpoint === undefined ? {} : { url: options.otlpEndpoint },
        ),
      );
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'openshift-image-gateway' }),
    spanProcessors: [processor],
  });
  const tracer = provider.getTracer('openshift-image-gateway');
  return {
    tracer,
    upstreamSpan(parent, call) {
      const parentContext = parent ? trace.setSpan(context.active(), parent) : context.active();
      const span = tracer.startSpan(
        `GET ${call.resource}`,
        {
          kind: SpanKind.CLIENT,
          startTime: call.startedAt,
          attributes: {
            'openshift.cluster': call.cluster,
            'openshift.resource': call.resource,
            'http.request.method': 'GET',
            'http.response.status_code': Number(call.status) || 0,
            'openshift.outcome': call.status,
          },
        },
        parentContext,
      );
      if (!/^2\d\d$/.test(call.status))
        span.setStatus({ code: SpanStatusCode.ERROR, message: call.status });
      span.end(call.endedAt);
    },
    shutdown: () => provider.shutdown(),
  };
}
