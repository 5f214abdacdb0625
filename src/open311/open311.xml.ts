/**
 * GeoReport v2's XML, written by hand: the spec's JSON is a mechanical mapping of it (the
 * Spark convention), so one value renders as either. An array becomes repeated elements named
 * by ITEM_TAGS (`services` → `<service>`), null an empty element, true/false and numbers text.
 */

/** The element each list's items take, as the spec names them. */
const ITEM_TAGS: Record<string, string> = {
  services: 'service',
  attributes: 'attribute',
  values: 'value',
  service_requests: 'request',
  service_requests_updates: 'request_update',
  errors: 'error',
  endpoints: 'endpoint',
  formats: 'format',
};

export type XmlValue = string | number | boolean | null | undefined | Date | XmlValue[] | { [key: string]: XmlValue };

// Characters XML 1.0 cannot carry at all: control characters, lone surrogates, U+FFFE/U+FFFF.
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;', '\r': '&#13;' };

/**
 * Text content escaped for an element (and an attribute, though we write none). A carriage return
 * is written as a reference: a parser turns a literal one into a line feed, and the XML would then
 * differ from the JSON. What XML 1.0 cannot carry at all is left out.
 */
export function escapeXml(text: string): string {
  return text.replace(INVALID_XML, '').replace(/[&<>"'\r]/g, (ch) => ESCAPES[ch]);
}

function element(tag: string, value: XmlValue): string {
  if (value === null || value === undefined) return `<${tag}/>`;
  if (Array.isArray(value)) {
    const item = ITEM_TAGS[tag];
    if (!item) throw new Error(`no item element is known for the list ${tag}`);
    return value.length ? `<${tag}>${value.map((v) => element(item, v)).join('')}</${tag}>` : `<${tag}/>`;
  }
  if (value instanceof Date) return `<${tag}>${escapeXml(value.toISOString())}</${tag}>`;
  if (typeof value === 'object') return `<${tag}>${Object.entries(value).map(([k, v]) => element(k, v)).join('')}</${tag}>`;
  return `<${tag}>${escapeXml(String(value))}</${tag}>`;
}

/** A whole document: the declaration the spec asks for and one root element. */
export function renderXml(root: string, value: XmlValue): string {
  return `<?xml version="1.0" encoding="utf-8"?>\n${element(root, value)}\n`;
}
