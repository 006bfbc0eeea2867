import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** The Prometheus instruments behind the domain's `TranscoderMetrics` port (plus the live gauge). */
export interface TranscoderPrometheusMetrics {
  liveStreams: Gauge;
  ffmpegRestarts: Counter;
  sourceFailures: Counter;
  parts: Counter<'rendition'>;
  partLatency: Histogram<'rendition'>;
  claims: Counter<'result'>;
}

export function createTranscoderMetrics(registry: Registry, liveStreams: () => number): TranscoderPrometheusMetrics {
  return {
    liveStreams: new Gauge({
      name: 'transcoder_live_streams',
      help: 'Live streams this instance transcodes',
      registers: [registry],
      collect() {
        this.set(liveStreams());
      },
    }),
    ffmpegRestarts: new Counter({
      name: 'transcoder_ffmpeg_restarts_total',
      help: 'ffmpeg runs that ended while their stream was still live (crash or source drop)',
      registers: [registry],
    }),
    sourceFailures: new Counter({
      name: 'transcoder_source_failures_total',
      help: 'Failed attempts to open a live source (HTTP-FLV from the ingest node)',
      registers: [registry],
    }),
    parts: new Counter({
      name: 'transcoder_parts_total',
      help: 'LL-HLS parts published',
      labelNames: ['rendition'],
      registers: [registry],
    }),
    partLatency: new Histogram({
      name: 'transcoder_part_latency_seconds',
      help: "From a frame entering ffmpeg's input to the part holding it being published (its last frame)",
      labelNames: ['rendition'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1, 2, 5],
      registers: [registry],
    }),
    claims: new Counter({
      name: 'transcoder_claims_total',
      help: 'Session claims: acquired (including takeovers) and lost leases',
      labelNames: ['result'],
      registers: [registry],
    }),
  };
}
