/**
 * Text PostgreSQL cannot store: NUL (U+0000) in text and JSON columns, and lone UTF-16
 * surrogates, which JSON.stringify writes as `\ud800` escapes that json and jsonb refuse.
 * Either would fail in the database as a 500; callers refuse it up front, naming the field.
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why this text cannot be stored, or null when it can. */
export function unstorableText(text: string): string | null {
  if (text.includes('\u0000')) return 'must not contain the NUL character (U+0000)';
  if (LONE_SURROGATE.test(text)) return 'must be well-formed Unicode (it holds a lone surrogate)';
  return null;
}
