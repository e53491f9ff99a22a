import test from 'node:test';
import assert from 'node:assert/strict';
import { SseParser, readEventStream } from '../src/sse.js';

function parse(...chunks) {
  const events = [];
  const p = new SseParser((e) => events.push(e));
  chunks.forEach((c) => p.feed(c));
  return { events, parser: p };
}

test('parses the contract framing: id, event, one line of JSON data, then a blank line', () => {
  const { events, parser } = parse('retry: 2000\n\nid: k3x9-1\nevent: progress\ndata: {"percent":42.5}\n\n');
  assert.equal(parser.retry, 2000);
  assert.deepEqual(events, [{ id: 'k3x9-1', type: 'progress', data: '{"percent":42.5}' }]);
});

test('events split across chunks anywhere, CRLF and CR line ends, comments ignored', () => {
  const { events } = parse('id: 1\r', '\nevent: st', 'ate\r\ndata: {"a"', ':1}\r\n\r\n: keep-alive\n\nid: 2\rdata: x\r\r');
  assert.deepEqual(events, [{ id: '1', type: 'state', data: '{"a":1}' }, { id: '2', type: 'message', data: 'x' }]);
});

test('multi-line data is joined with newlines; a value keeps spaces after the first; no colon means an empty value', () => {
  const { events } = parse('data:  two\ndata: lines\ndata\n\n');
  assert.equal(events[0].data, ' two\nlines\n');
});

test('the last event id carries over to events without one; an id with NUL is ignored; no data, no event', () => {
  const { events, parser } = parse('id: 7\n\n', 'data: a\n\n', 'id: bad\0id\ndata: b\n\n');
  assert.deepEqual(events.map((e) => [e.id, e.data]), [['7', 'a'], ['7', 'b']]);
  assert.equal(parser.lastEventId, '7');
});

test('an unfinished event is not dispatched; a bad retry is ignored', () => {
  const { events, parser } = parse('retry: soon\ndata: half');
  assert.equal(events.length, 0);
  assert.equal(parser.retry, null);
});

test('readEventStream reads a fetch body to its end, multi-byte characters split between chunks', async () => {
  const bytes = new TextEncoder().encode('id: 1\ndata: {"m":"é✓"}\n\n');
  const body = new ReadableStream({
    start(c) { c.enqueue(bytes.slice(0, 17)); c.enqueue(bytes.slice(17)); c.close(); },
  });
  const events = [];
  await readEventStream(new Response(body), new SseParser((e) => events.push(e)));
  assert.deepEqual(JSON.parse(events[0].data), { m: 'é✓' });
});
