import type { Envelope, TopicContract } from '@phzzk/contracts';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

export class ContractViolation extends Error {
  readonly topic: string;
  readonly eventType: string | undefined;
  constructor(topic: string, eventType: string | undefined, message: string) {
    super(`${topic}${eventType ? ` ${eventType}` : ''}: ${message}`);
    this.name = 'ContractViolation';
    this.topic = topic;
    this.eventType = eventType;
  }
}

/** Compiled validators for the events of one topic; shared by producers and consumers. */
export class TopicValidator {
  readonly topic: TopicContract;
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(topic: TopicContract) {
    this.topic = topic;
    const ajv = new Ajv({ allErrors: false, strict: false });
    addFormats(ajv);
    for (const [type, schema] of Object.entries(topic.events)) {
      this.validators.set(type, ajv.compile({ ...schema, $id: undefined }));
    }
  }

  /** Returns the typed envelope or throws a ContractViolation that says what is wrong. */
  check(value: unknown): Envelope {
    const type =
      value && typeof value === 'object' && typeof (value as { type?: unknown }).type === 'string'
        ? (value as { type: string }).type
        : undefined;
    if (type === undefined) throw new ContractViolation(this.topic.name, undefined, 'event has no type');
    const validate = this.validators.get(type);
    if (!validate) throw new ContractViolation(this.topic.name, type, `unknown event type "${type}"`);
    if (!validate(value)) {
      const e = validate.errors?.[0];
      throw new ContractViolation(this.topic.name, type, `${e?.instancePath || '/'} ${e?.message ?? 'is invalid'}`);
    }
    return value as Envelope;
  }
}
