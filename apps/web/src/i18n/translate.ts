import type en from './messages/en.json';
import { numberFormat } from './formats.ts';

// Messages are flat keys ("chat.send") with {name} placeholders; both catalogs have the same keys
// (checked by a unit test), so a key missing in one language is a test failure, not a blank.
export type Messages = typeof en;
export type MessageKey = keyof Messages;
export type Translate = (key: MessageKey, values?: Record<string, string | number>) => string;

export function translator(messages: Messages, locale: string): Translate {
  const numbers = numberFormat(locale);
  return (key, values) => {
    const template: string = messages[key] ?? key;
    if (!values) return template;
    return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
      const value = values[name];
      if (value === undefined) return whole;
      return typeof value === 'number' ? numbers.format(value) : value;
    });
  };
}
