import { mergeOpenApi, type OpenApiDocument } from './openapi-merge.ts';
import type { RouteDefinition } from './route-table.ts';

/** Reads the OpenAPI document a service serves about itself (any one instance). */
export interface ServiceDocuments {
  read(service: string): Promise<OpenApiDocument | undefined>;
}

export interface PublicApiDocumentOptions {
  routes: () => RouteDefinition[];
  documents: ServiceDocuments;
  info: { title: string; version: string };
  /** How long a merged document is served before the services are asked again. */
  ttlMs?: number;
  now?: () => number;
}

/**
 * The merged document of the public API, kept for a few seconds so that a burst of readers costs
 * one round of fetches; concurrent readers share the fetch in flight.
 */
export class PublicApiDocument {
  private cached: { at: number; doc: OpenApiDocument } | undefined;
  private pending: Promise<OpenApiDocument> | undefined;
  private readonly ttlMs: number;
  private readonly now: () => number;
  private readonly options: PublicApiDocumentOptions;

  constructor(options: PublicApiDocumentOptions) {
    this.options = options;
    this.ttlMs = options.ttlMs ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  async get(): Promise<OpenApiDocument> {
    if (this.cached && this.now() - this.cached.at < this.ttlMs) return this.cached.doc;
    this.pending ??= this.build().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  private async build(): Promise<OpenApiDocument> {
    const routes = this.options.routes();
    const services = [...new Set(routes.map((r) => r.service))];
    const read = await Promise.all(
      services.map(async (s) => [s, await this.options.documents.read(s).catch(() => undefined)] as const),
    );
    const documents = new Map<string, OpenApiDocument>();
    for (const [service, doc] of read) if (doc) documents.set(service, doc);
    const doc = mergeOpenApi({ routes, documents, info: this.options.info });
    this.cached = { at: this.now(), doc };
    return doc;
  }
}
