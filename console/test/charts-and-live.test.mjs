import test from 'node:test';
import assert from 'node:assert/strict';
import { linePath, niceMax } from '../src/charts.js';
import { LiveFeed, backoff } from '../src/live.js';
import { addSample } from '../src/pages/queues.js';

test('a line path is scaled into its box, y upwards, points outside the x domain left out', () => {
  const d = linePath([{ x: -1, y: 5 }, { x: 0, y: 0 }, { x: 5, y: 50 }, { x: 10, y: 100 }, { x: 11, y: 1 }],
    { width: 100, height: 50, x0: 0, x1: 10, y0: 0, y1: 100 });
  assert.equal(d, 'M0.0,50.0L50.0,25.0L100.0,0.0');
  assert.equal(linePath([], { width: 1, height: 1, x0: 0, x1: 1, y1: 1 }), '');
});

test('axis maxima are round', () => {
  assert.equal(niceMax(0), 1);
  assert.equal(niceMax(3), 5);
  assert.equal(niceMax(17), 20);
  assert.equal(niceMax(100), 100);
  assert.equal(niceMax(101), 200);
});

test('queue samples keep the last hour, one per 5 s at most', () => {
  const item = [{ region: 'westeurope', tier: 'Premium', depth: 3, oldestAgeSeconds: 9, oldestEnqueuedAt: 'x' }];
  let s = addSample([], 0, item);
  s = addSample(s, 1000, item);
  assert.equal(s.length, 1);
  s = addSample(s, 6000, item);
  s = addSample(s, 3_600_000 + 5000, item);
  assert.deepEqual(s.map((x) => x.at), [6000, 3_605_000]);
  assert.deepEqual(Object.keys(s[0].items[0]).sort(), ['depth', 'oldestAgeSeconds', 'region', 'tier']);
});

test('reconnects back off, doubling to 30 s', () => {
  assert.equal(backoff(0, 2000), 2000);
  assert.equal(backoff(1, 2000), 4000);
  assert.equal(backoff(3, 2000), 16000);
  assert.equal(backoff(10, 2000), 30000);
});

const api = (log) => ({
  url: (p) => `http://cp${p}`,
  headers: async (extra) => ({ Authorization: 'Bearer t', ...extra }),
  auth: { onUnauthenticated: () => log.push('401') },
});

test('a host without the event stream (404) makes the pages poll', async () => {
  const log = [];
  const feed = new LiveFeed(api(log), { fetchImpl: async () => new Response('{}', { status: 404, headers: { 'Content-Type': 'application/problem+json' } }) });
  const modes = [];
  feed.onMode((m) => modes.push(m));
  feed.start();
  await new Promise((r) => setTimeout(r, 20));
  feed.stop();
  assert.deepEqual(modes, ['connecting', 'polling']);
});

test('the stream is read with the bearer token, events parsed, and a reconnect sends Last-Event-ID', async () => {
  const log = [];
  const calls = [];
  const feed = new LiveFeed(api(log), {
    fetchImpl: async (url, init) => {
      calls.push({ url, headers: init.headers });
      const body = calls.length === 1
        ? 'retry: 10\n\nid: e-1\nevent: state\ndata: {"id":"e-1","type":"state","jobId":"j1","state":"Running"}\n\n'
        : ': keep-alive\n\n';
      return new Response(body, { status: 200, headers: { 'Content-Type': 'text/event-stream' } });
    },
  });
  const events = [];
  const modes = [];
  feed.onEvent((e) => events.push(e));
  feed.onMode((m) => modes.push(m));
  feed.start();
  await new Promise((r) => setTimeout(r, 80));
  feed.stop();
  assert.equal(calls[0].url, 'http://cp/api/events');
  assert.equal(calls[0].headers.Authorization, 'Bearer t');
  assert.equal(calls[0].headers.Accept, 'text/event-stream');
  assert.equal(calls[0].headers['Last-Event-ID'], undefined);
  assert.ok(calls.length >= 2, 'reconnected after the answer ended');
  assert.equal(calls[1].headers['Last-Event-ID'], 'e-1');
  assert.deepEqual(events[0], { id: 'e-1', type: 'state', jobId: 'j1', state: 'Running' });
  assert.equal(modes.includes('stream'), true);
});
