// Live updates over Server-Sent Events. Read with the typed client's fetch (not
// EventSource) so the API key travels in the Authorization header; reconnects on loss, sending
// the id of the last event seen (Last-Event-ID) so the server replays what was
// missed, or sends a `reset` event when it cannot (then the caller refetches).

import { client } from './api.js';

const RECONNECT_MS = 2000;

/**
 * Stream `/api/v1/events?building=ID` and call `onEvent(kind, data)` per event;
 * `onStatus(connected)` when the connection comes or goes. Returns a stop function.
 * @param {string} buildingId
 * @param {(kind: string, data: any) => void} onEvent
 * @param {(connected: boolean) => void} [onStatus]
 */
export function subscribe(buildingId, onEvent, onStatus = () => {}) {
  let stopped = false;
  let controller = null;
  const last = { id: '' };

  async function run() {
    while (!stopped) {
      controller = new AbortController();
      try {
        const { response } = await client.GET('/api/v1/events', {
          params: { query: { building: [buildingId] }, header: last.id ? { 'Last-Event-ID': last.id } : {} },
          headers: { Accept: 'text/event-stream' },
          parseAs: 'stream',
          signal: controller.signal,
        });
        if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
        onStatus(true);
        await read(response.body, onEvent, last);
      } catch (error) {
        if (stopped || error.name === 'AbortError') return;
      }
      onStatus(false);
      await new Promise((resolve) => setTimeout(resolve, RECONNECT_MS));
    }
  }

  run();
  return () => {
    stopped = true;
    controller?.abort();
  };
}

async function read(body, onEvent, last) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    buffer += value;
    let end;
    while ((end = buffer.search(/\r?\n\r?\n/)) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end).replace(/^\r?\n\r?\n/, '');
      dispatch(block, onEvent, last);
    }
  }
}

function dispatch(block, onEvent, last) {
  let kind = 'message';
  const data = [];
  for (const line of block.split(/\r?\n/)) {
    if (!line || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') kind = value;
    else if (field === 'id') last.id = value;
    else if (field === 'data') data.push(value);
  }
  if (!data.length) return;
  try {
    onEvent(kind, JSON.parse(data.join('\n')));
  } catch {
    // A malformed event is skipped; the next full state refresh repairs the view.
  }
}
