/**
 * A record id or page number as the address spells it ("/cases/42", "?page=3"): digits only,
 * from 1 up to the largest the server takes (src/geo/geo.schema.ts IdParams); anything else,
 * "abc", "0", "1.5" or "-3", is null, so a screen never asks the server for /cases/NaN.
 */
export function positiveInt(text: string | null | undefined): number | null {
  if (!text || !/^[1-9]\d*$/.test(text)) return null;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : null;
}
