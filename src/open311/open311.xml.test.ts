import { describe, expect, it } from 'vitest';
import { escapeXml, renderXml } from './open311.xml.js';

describe('renderXml', () => {
  it('writes the declaration, nested lists under their item names, and null as an empty element', () => {
    const xml = renderXml('service_definition', { service_code: 'E0102', attributes: [{ code: 'urgency', required: false, order: 1, values: [{ key: 'routine', name: '一般' }] }], note: null });
    expect(xml).toBe('<?xml version="1.0" encoding="utf-8"?>\n<service_definition><service_code>E0102</service_code><attributes><attribute><code>urgency</code>'
      + '<required>false</required><order>1</order><values><value><key>routine</key><name>一般</name></value></values></attribute></attributes><note/></service_definition>\n');
    expect(renderXml('service_requests', [])).toContain('<service_requests/>');
    expect(renderXml('errors', [{ code: 404, description: 'x' }])).toContain('<errors><error><code>404</code><description>x</description></error></errors>');
  });

  it('refuses a list it has no item name for, rather than writing bad XML', () => {
    expect(() => renderXml('things', [1])).toThrow(/things/);
  });
});

describe('escapeXml', () => {
  it('escapes markup and drops what XML 1.0 cannot carry, keeping Chinese, emoji and line breaks', () => {
    expect(escapeXml(`<a href="x">Tom & Jerry's</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&apos;s&lt;/a&gt;');
    expect(escapeXml('井盖\u0000缺失\u001b\uFFFE')).toBe('井盖缺失');
    expect(escapeXml('坑洼 🕳️\n第二行\t')).toBe('坑洼 🕳️\n第二行\t');
    expect(escapeXml('lone \uD83D and \uDC00 surrogates')).toBe('lone  and  surrogates');
    // A parser reads a literal carriage return as a line feed: written as a reference, it stays one.
    expect(escapeXml('一\r\n二\r三')).toBe('一&#13;\n二&#13;三');
  });
});
