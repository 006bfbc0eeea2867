// The JavaScript shape of decoded AMF values, shared by the AMF0 and AMF3 decoders.

export type Amf0Value = number | boolean | string | null | undefined | Date | Amf0Value[] | Amf0Object;
export type Amf0Object = { [key: string]: Amf0Value };

/** Non-enumerable marker: objects carrying it are encoded as ECMA arrays (what onMetaData uses). */
const ECMA_ARRAY = Symbol('amf0.ecmaArray');

/** Marks `object` to be encoded as an AMF0 ECMA array (AMF0 §2.10) and returns it. */
export function ecmaArray<T extends Amf0Object>(object: T): T {
  Object.defineProperty(object, ECMA_ARRAY, { value: true, enumerable: false });
  return object;
}

/** True when `value` was decoded from, or marked as, an ECMA array. */
export function isEcmaArray(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as { [ECMA_ARRAY]?: boolean })[ECMA_ARRAY] === true;
}

/** Sets an own enumerable property, even for keys like "__proto__" sent by a hostile peer. */
export function defineProperty(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
