import Type, { type Static, type TObject, type TProperties } from 'typebox';
import { BaseConfig, DatabaseConfig, KafkaConfig, RedisConfig } from '../config/base-config.ts';
import type { ServiceApp } from '../http/build-app.ts';
import type { ServiceContext, ServiceDefinition } from './start-service.ts';

/** The shared configuration blocks a service may use besides BaseConfig, by the infrastructure they configure. */
const ConfigParts = { database: DatabaseConfig, kafka: KafkaConfig, redis: RedisConfig } as const;
export type ConfigPart = keyof typeof ConfigParts;

type Intersect<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;
/** `A` with `B` laid over it, as `{ ...A, ...B }` does. */
type Overlay<A, B> = { [K in keyof A | keyof B]: K extends keyof B ? B[K] : K extends keyof A ? A[K] : never };
type PartProperties<P extends ConfigPart> = [P] extends [never] ? unknown : Intersect<(typeof ConfigParts)[P]>;
type AsProperties<T> = T extends TProperties ? T : never;

/** The schema of a service that uses `P` (besides BaseConfig) and adds the keys `K`. */
export type ServiceConfig<P extends ConfigPart, K extends TProperties> = TObject<
  AsProperties<Overlay<typeof BaseConfig & PartProperties<P>, K>>
>;

/**
 * A service's configuration schema: BaseConfig, the blocks of the infrastructure it uses, then its own
 * keys (which may override a shared key, e.g. a fixed default port).
 */
export function serviceConfig<const P extends ConfigPart, K extends TProperties>(
  uses: readonly P[],
  own: K,
): ServiceConfig<P, K> {
  const parts = uses.map((part) => ConfigParts[part]);
  return Type.Object(Object.assign({}, BaseConfig, ...parts, own)) as unknown as ServiceConfig<P, K>;
}

/** The PHZZK services all carry the platform's version. */
export const PLATFORM_VERSION = '0.1.0';

/**
 * A service definition whose build step gets the context and the configuration values at start
 * (`ctx.config.get` reads live values later).
 */
export function defineService<S extends TObject>(
  name: string,
  configSchema: S,
  build: (ctx: ServiceContext<S>, config: Static<S>) => Promise<ServiceApp>,
): ServiceDefinition<S> {
  return { name, version: PLATFORM_VERSION, configSchema, build: (ctx) => build(ctx, ctx.config.values) };
}
