/** One server-sent event: its type (`message` unless named) and its data lines joined. */
export interface ServerEvent {
  event: string;
  data: string;
  id?: string;
}

/**
 * Takes the whole events out of a text/event-stream body read so far (the WHATWG rules for
 * `event`, `data`, `id` and comments), answering what is left for the next chunk to complete.
 * A CR at the very end is kept back: the LF that may follow it arrives with the next chunk.
 */
export function takeEvents(text: string): { events: ServerEvent[]; rest: string } {
  const held = text.endsWith('\r') ? 1 : 0;
  const blocks = text.slice(0, text.length - held).replace(/\r\n?/g, '\n').split('\n\n');
  const rest = blocks.pop()! + (held ? '\r' : '');
  const events: ServerEvent[] = [];
  for (const block of blocks) {
    const event: ServerEvent = { event: 'message', data: '' };
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line === '' || line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') event.event = value;
      else if (field === 'data') data.push(value);
      else if (field === 'id') event.id = value;
    }
    // A block without data (a keep-alive, an id alone) dispatches nothing.
    if (data.length === 0) continue;
    events.push({ ...event, data: data.join('\n') });
  }
  return { events, rest };
}
