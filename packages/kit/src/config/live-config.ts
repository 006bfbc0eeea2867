import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { Static, TObject, TSchema } from 'typebox';
import { coerceValue } from './coerce.ts';
import { collectIndexed, type Properties } from './indexed-keys.ts';
import { envNamesFor } from './env-names.ts';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/** Configuration is a flat map of dotted keys (as Spring property sources are). */
export type { Properties };
export type ConfigListener<T> = (next: T, changedKeys: string[]) => void | Promise<void>;

export class ConfigError extends Error {
  readonly keys: string[];
  constructor(message: string, keys: string[]) {
    super(message);
    this.name = 'ConfigError';
    this.keys = keys;
  }
}

/**
 * Typed configuration in three layers: schema defaults < config server < environment variables.
 * Validated as a whole; a bad value is reported with its key. Listeners are called when a new
 * server layer changes any value (live reload).
 */
export class LiveConfig<S extends TObject> {
  private readonly schema: S;
  private readonly env: NodeJS.ProcessEnv;
  private readonly validate: ValidateFunction;
  private readonly listeners = new Set<ConfigListener<Static<S>>>();
  private serverLayer: Properties = {};
  private current: Static<S>;
  private versionValue: string | null = null;

  constructor(schema: S, env: NodeJS.ProcessEnv, serverLayer: Properties = {}, version: string | null = null) {
    this.schema = schema;
    this.env = env;
    const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: false });
    addFormats(ajv);
    this.validate = ajv.compile(schema);
    this.current = this.resolve(serverLayer);
    this.serverLayer = serverLayer;
    this.versionValue = version;
  }

  get values(): Static<S> {
    return this.current;
  }

  get<K extends keyof Static<S>>(key: K): Static<S>[K] {
    return this.current[key];
  }

  /** The git commit of the server layer in force (null when running on defaults and env only). */
  get version(): string | null {
    return this.versionValue;
  }

  onChange(listener: ConfigListener<Static<S>>): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Applies a new config-server layer. Throws ConfigError (and keeps the old values) when the
   * result does not validate; returns the keys whose values changed.
   */
  async applyServerLayer(layer: Properties, version: string | null): Promise<string[]> {
    const next = this.resolve(layer);
    const changed = Object.keys({ ...next, ...this.current }).filter(
      (key) => JSON.stringify((next as Properties)[key]) !== JSON.stringify((this.current as Properties)[key]),
    );
    this.serverLayer = layer;
    this.current = next;
    this.versionValue = version;
    if (changed.length > 0) {
      for (const listener of this.listeners) await listener(next, changed);
    }
    return changed;
  }

  private resolve(serverLayer: Properties): Static<S> {
    const merged: Properties = {};
    for (const [key, propSchema] of Object.entries(this.schema.properties as Record<string, TSchema>)) {
      let value: unknown;
      if (key in serverLayer) value = coerceValue(propSchema, serverLayer[key]);
      else value = collectIndexed(serverLayer, key);
      for (const name of envNamesFor(key)) {
        if (this.env[name] !== undefined) {
          value = coerceValue(propSchema, this.env[name]);
          break;
        }
      }
      if (value !== undefined) merged[key] = value;
    }
    if (!this.validate(merged)) {
      const problems = (this.validate.errors ?? []).map((e) => {
        const key = e.instancePath
          ? e.instancePath.slice(1).split('/')[0]!.replaceAll('~1', '/').replaceAll('~0', '~')
          : String((e.params as { missingProperty?: string }).missingProperty ?? '');
        return { key, message: `${key}: ${e.message ?? 'is invalid'}` };
      });
      const keys = [...new Set(problems.map((p) => p.key))];
      const hint = keys.map((k) => `${k} (env ${envNamesFor(k)[0]})`).join(', ');
      throw new ConfigError(
        `invalid configuration: ${problems.map((p) => p.message).join('; ')} — check ${hint}`,
        keys,
      );
    }
    return merged as Static<S>;
  }

  /** The server layer in force, e.g. to cache it on disk for a start without the config server. */
  get serverProperties(): Properties {
    return this.serverLayer;
  }
}
