/**
 * The real OpenTelemetry SDK, registered globally for one test file: an in-memory span exporter,
 * the async-hooks context manager, the W3C trace-context propagator and an on-demand metric reader.
 */
import { context, metrics, propagation, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { AggregationTemporality, MeterProvider, MetricReader } from "@opentelemetry/sdk-metrics";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";

class OnDemandReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

export interface OtelHarness {
  exporter: InMemorySpanExporter;
  spans(): ReadableSpan[];
  /** Histogram data points of one metric, as `{ attributes, count, sum }`. */
  histogram(
    name: string,
  ): Promise<Array<{ attributes: Record<string, unknown>; count: number; sum: number }>>;
  /** Unregisters the providers (tracing and metrics off), as an application without OTel set up. */
  disable(): void;
  enable(): void;
  shutdown(): Promise<void>;
}

export function setupOtel(): OtelHarness {
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const reader = new OnDemandReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  const enable = () => {
    trace.setGlobalTracerProvider(tracerProvider);
    metrics.setGlobalMeterProvider(meterProvider);
  };
  enable();
  return {
    exporter,
    spans: () => exporter.getFinishedSpans(),
    async histogram(name) {
      const { resourceMetrics } = await reader.collect();
      const out: Array<{ attributes: Record<string, unknown>; count: number; sum: number }> = [];
      for (const scope of resourceMetrics.scopeMetrics) {
        for (const metric of scope.metrics) {
          if (metric.descriptor.name !== name) continue;
          for (const point of metric.dataPoints) {
            const value = point.value as { count: number; sum?: number };
            out.push({ attributes: point.attributes, count: value.count, sum: value.sum ?? 0 });
          }
        }
      }
      return out;
    },
    disable() {
      trace.disable();
      metrics.disable();
    },
    enable,
    async shutdown() {
      trace.disable();
      metrics.disable();
      context.disable();
      propagation.disable();
      await Promise.all([tracerProvider.shutdown(), meterProvider.shutdown()]);
    },
  };
}
