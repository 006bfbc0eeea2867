import type { Envelope, TopicContract } from '@phzzk/contracts';
import type { Static } from 'typebox';
import type { EventMeta } from './consumer-core.ts';

/** The event type names a topic carries. */
export type EventTypeOf<T extends TopicContract> = keyof T['events'] & string;

/** One event of a topic, typed by its contract's schema (a union over all its types by default). */
export type EventOf<T extends TopicContract, K extends EventTypeOf<T> = EventTypeOf<T>> = T extends TopicContract
  ? { [P in K]: Static<T['events'][P]> }[K]
  : never;

/** The events of any of several topics, as one discriminated union (on `type`). */
export type EventOfTopics<Ts extends readonly TopicContract[]> = Ts[number] extends infer T
  ? T extends TopicContract
    ? EventOf<T>
    : never
  : never;

export type EventHandlers<T extends TopicContract> = {
  [K in EventTypeOf<T>]?: (event: Static<T['events'][K]>, meta: EventMeta) => Promise<unknown>;
};

type Unhandled<T extends TopicContract, H, I extends readonly string[]> = Exclude<EventTypeOf<T>, keyof H | I[number]>;

/** Handlers of one topic's events, by event type; built by `subscribe`. */
export interface Subscription {
  readonly topic: TopicContract;
  /** The handler of an event type; a type in `ignored` is consumed and committed without one. */
  readonly handlers: ReadonlyMap<string, (event: Envelope, meta: EventMeta) => Promise<unknown>>;
  readonly ignored: ReadonlySet<string>;
}

/**
 * Registers the handlers of one topic's event types. Every type the topic carries must either
 * have a handler or be listed in `ignore`: leaving one out fails to compile (the missing types
 * are named in the error) and, for callers that escape the types, throws here. The handler gets
 * the event typed by its contract, which the consumer has validated against the schema already
 * (an invalid event is dead-lettered before any handler runs).
 */
export function subscribe<
  T extends TopicContract,
  H extends EventHandlers<T>,
  const I extends readonly EventTypeOf<T>[] = readonly [],
>(
  topic: T,
  spec: { on: H; ignore?: I } & ([Unhandled<T, H, I>] extends [never]
    ? unknown
    : { 'every event type needs a handler or an ignore': Unhandled<T, H, I> }),
): Subscription {
  const handlers = new Map<string, (event: Envelope, meta: EventMeta) => Promise<unknown>>();
  for (const [type, handler] of Object.entries(spec.on as Record<string, unknown>)) {
    if (!(type in topic.events)) throw new Error(`${topic.name} carries no event type "${type}"`);
    if (typeof handler === 'function')
      handlers.set(type, handler as (event: Envelope, meta: EventMeta) => Promise<unknown>);
  }
  const ignored = new Set<string>(spec.ignore ?? []);
  for (const type of ignored) {
    if (!(type in topic.events)) throw new Error(`${topic.name} carries no event type "${type}"`);
    if (handlers.has(type)) throw new Error(`${topic.name} "${type}" is both handled and ignored`);
  }
  const missing = Object.keys(topic.events).filter((type) => !handlers.has(type) && !ignored.has(type));
  if (missing.length > 0)
    throw new Error(`${topic.name}: no handler and no ignore for ${missing.map((t) => `"${t}"`).join(', ')}`);
  return { topic, handlers, ignored };
}

/** The topics of some subscriptions, each once. */
export function topicsOf(subscriptions: readonly Subscription[]): TopicContract[] {
  const topics = new Map<string, TopicContract>();
  for (const s of subscriptions) {
    if (topics.has(s.topic.name)) throw new Error(`${s.topic.name} is subscribed twice`);
    topics.set(s.topic.name, s.topic);
  }
  return [...topics.values()];
}

/** Hands a validated event to its handler; an ignored type resolves at once. */
export function dispatcher(subscriptions: readonly Subscription[]) {
  const byTopic = new Map(subscriptions.map((s) => [s.topic.name, s]));
  return async (event: Envelope, meta: EventMeta): Promise<void> => {
    const subscription = byTopic.get(meta.topic);
    if (!subscription) throw new Error(`${meta.topic} is not subscribed`);
    const handler = subscription.handlers.get(event.type);
    if (handler) await handler(event, meta);
    else if (!subscription.ignored.has(event.type)) throw new Error(`${meta.topic} "${event.type}" has no handler`);
  };
}
