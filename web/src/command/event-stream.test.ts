import { describe, expect, it } from 'vitest';
import { takeEvents, type ServerEvent } from './event-stream';

/** Feeds `body` in pieces of `size` characters, as a network might, and collects the events. */
function read(body: string, size: number): ServerEvent[] {
  const out: ServerEvent[] = [];
  let rest = '';
  for (let i = 0; i < body.length; i += size) {
    const taken = takeEvents(rest + body.slice(i, i + size));
    out.push(...taken.events);
    rest = taken.rest;
  }
  return out;
}

const BODY = ': connected\n\nid: 7\nevent: case\ndata: {"caseId":1}\n\n: keep-alive\n\ndata: first\ndata:second\n\n';

describe('takeEvents', () => {
  it('reads named events, joins data lines, and skips comments', () => {
    expect(read(BODY, BODY.length)).toEqual([
      { event: 'case', data: '{"caseId":1}', id: '7' },
      { event: 'message', data: 'first\nsecond' },
    ]);
  });

  it('reads the same events however the body is cut', () => {
    const whole = read(BODY, BODY.length);
    for (const size of [1, 2, 3, 7, 13]) expect(read(BODY, size)).toEqual(whole);
  });

  it('takes CRLF and lone CR line ends, even a CRLF cut between two chunks', () => {
    const crlf = BODY.replace(/\n/g, '\r\n');
    const cr = BODY.replace(/\n/g, '\r');
    const whole = read(BODY, BODY.length);
    for (const size of [1, 2, 5, crlf.length]) expect(read(crlf, size)).toEqual(whole);
    // A CR last in what has arrived may be half a CRLF: the event it ends waits for the next byte.
    expect(read(cr, cr.length)).toEqual(whole.slice(0, 1));
    expect(read(`${cr}: next\r`, cr.length)).toEqual(whole);
  });

  it('keeps an unfinished event for the next chunk', () => {
    expect(takeEvents('event: case\ndata: {"a"')).toEqual({ events: [], rest: 'event: case\ndata: {"a"' });
  });
});
