// Live updates: the job event stream (GET /api/events, Server-Sent Events read with fetch() so the
// bearer token goes in a header), reconnecting with Last-Event-ID. Where the host has no event
// stream (404) or it fails, the pages re-read what they show every few seconds instead, and the
// stream is tried again now and then.
import { SseParser, readEventStream } from './sse.js';

export const POLL_MS = 3000;
/** How often a page re-reads even while the stream is up (a safety net for anything missed). */
export const SAFETY_POLL_MS = 30000;

/**
 * The reconnect delay after `failures` failures in a row (ms): the server's retry first, then
 * doubling up to 30 s. A stream that ended cleanly (the Functions host ends each answer) reconnects
 * after the server's retry.
 */
export function backoff(failures, retryMs = 2000) {
  if (failures <= 0) return retryMs;
  return Math.min(30000, retryMs * 2 ** Math.min(failures, 4));
}

export class LiveFeed {
  /** api: the Api; listeners get every event ({ type, ... } as the contract describes) and mode changes. */
  constructor(api, { path = '/api/events', fetchImpl } = {}) {
    this.api = api;
    this.path = path;
    this.fetch = fetchImpl || ((...a) => fetch(...a));
    this.mode = 'connecting'; // 'stream' | 'polling'
    this.lastEventId = null;
    this.listeners = new Set();
    this.modeListeners = new Set();
    this.failures = 0;
    this.retryMs = 2000;
    this.controller = null;
    this.stopped = true;
    this.timer = null;
  }

  onEvent(l) { this.listeners.add(l); return () => this.listeners.delete(l); }
  onMode(l) { this.modeListeners.add(l); l(this.mode); return () => this.modeListeners.delete(l); }

  setMode(mode) {
    if (this.mode === mode) return;
    this.mode = mode;
    this.modeListeners.forEach((l) => l(mode));
  }

  start() {
    if (!this.stopped) return;
    this.stopped = false;
    this.connect();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    this.controller?.abort();
  }

  schedule(ms) {
    clearTimeout(this.timer);
    if (!this.stopped) this.timer = setTimeout(() => this.connect(), ms);
  }

  emit(event) {
    this.listeners.forEach((l) => {
      try { l(event); } catch (e) { console.error('console: an event listener failed', e); }
    });
  }

  async connect() {
    if (this.stopped) return;
    this.controller = new AbortController();
    let response;
    try {
      const headers = await this.api.headers({ Accept: 'text/event-stream' });
      if (this.lastEventId) headers['Last-Event-ID'] = this.lastEventId;
      response = await this.fetch(this.api.url(this.path), { headers, signal: this.controller.signal, cache: 'no-store' });
    } catch (e) {
      if (this.stopped) return;
      this.failed();
      return;
    }
    const type = response.headers.get('Content-Type') || '';
    if (!response.ok || !type.startsWith('text/event-stream')) {
      response.body?.cancel?.();
      if (response.status === 401) this.api.auth.onUnauthenticated?.();
      // No event stream on this host (yet): re-read instead, and look again in a minute.
      this.failed(response.status === 404 || response.status === 405 ? 60000 : null);
      return;
    }
    this.failures = 0;
    this.setMode('stream');
    const parser = new SseParser((e) => {
      if (e.id) this.lastEventId = e.id;
      let data = null;
      try { data = JSON.parse(e.data); } catch { data = { raw: e.data }; }
      this.emit({ ...data, type: data?.type || e.type, id: e.id || data?.id });
    });
    try {
      await readEventStream(response, parser);
      if (parser.retry != null) this.retryMs = parser.retry;
      if (!this.stopped) this.schedule(this.retryMs); // ended (the Functions host ends each answer): resume
    } catch (e) {
      if (parser.retry != null) this.retryMs = parser.retry;
      if (!this.stopped) this.failed();
    }
  }

  failed(delay) {
    this.failures++;
    this.setMode('polling');
    this.schedule(delay ?? backoff(this.failures, this.retryMs));
  }
}
