// Attribute value formatting (RFC 8216bis §4.2). Kept in one place so every tag agrees on precision:
// PART durations are compared with PART-TARGET as printed, so both must round the same way.

const DECIMALS = 5;

/** decimal-floating-point with at most 5 decimals, trailing zeros trimmed ("1.0", "0.33333"). */
export function formatDecimal(value: number): string {
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`not a non-negative finite number: ${value}`);
  const fixed = value.toFixed(DECIMALS);
  const trimmed = fixed.replace(/0+$/, '');
  return trimmed.endsWith('.') ? `${trimmed}0` : trimmed;
}

/** Rounds the way formatDecimal prints, for invariant checks on printed values. */
export function roundDecimal(value: number): number {
  return Number(value.toFixed(DECIMALS));
}

/** quoted-string: no CR, LF or double quote allowed. */
export function quoted(value: string): string {
  if (/["\r\n]/.test(value)) throw new RangeError(`value cannot be a quoted-string: ${JSON.stringify(value)}`);
  return `"${value}"`;
}

/** Renders `NAME=value` pairs, skipping undefined values, in the given order. */
export function attributes(list: ReadonlyArray<readonly [string, string | undefined]>): string {
  return list
    .filter((entry): entry is readonly [string, string] => entry[1] !== undefined)
    .map(([name, value]) => `${name}=${value}`)
    .join(',');
}

export function formatDateTime(epochMs: number): string {
  return new Date(epochMs).toISOString();
}
