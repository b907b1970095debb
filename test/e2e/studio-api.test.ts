/**
 * The studio's API additions on both engines: processing progress as server-sent
 * events fed by the job queue, and the show and episode lists.
 */
import assert from 'node:assert/strict';
import { ENGINES } from '../helpers/databases.js';
import { episodeForm, startTestApp, type TestApp } from '../helpers/app.js';
import { ARTICLE, SHOW_INPUT } from '../fixtures/editorial.js';
import { tone } from '../fixtures/audio.js';

interface SseEvent {
  event: string;
  data: Record<string, unknown>;
}

/** Reads an event stream until it ends, returning every event. */
async function readEvents(res: Response): Promise<SseEvent[]> {
  const events: SseEvent[] = [];
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = /^event: (.+)$/m.exec(block)?.[1];
      const data = /^data: (.+)$/m.exec(block)?.[1];
      if (event && data) events.push({ event, data: JSON.parse(data) as Record<string, unknown> });
    }
  }
  return events;
}

for (const engine of ENGINES) {
  describe(`studio API: progress events and lists (${engine})`, function () {
    // Longer than the layer’s timeout: follows the progress events of a 2-minute upload through the ladder.
    this.timeout(120_000);
    let app: TestApp;
    let audio: string;
    before(async () => {
      app = await startTestApp({ engine, worker: false });
      // Long enough for the worker to report progress along the way (it reports every 500 ms):
      // a few seconds through the ladder, with the probes on a sample (from 2 minutes on).
      audio = await tone(120);
      const res = await app.authed('/api/shows', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(SHOW_INPUT),
      });
      assert.equal(res.status, 201);
    });
    after(() => app?.close());

    it('streams job progress from the queue, then the ready state, and ends', async () => {
      const created = await app.authed(`/api/shows/${SHOW_INPUT.slug}/episodes`, {
        method: 'POST',
        body: await episodeForm(audio, ARTICLE),
      });
      assert.equal(created.status, 202);
      const { id } = (await created.json()) as { id: string };
      // Subscribed before any worker runs: every progress report must reach the stream.
      const stream = await app.authed(`/api/episodes/${id}/events`);
      assert.equal(stream.status, 200);
      assert.match(stream.headers.get('content-type') ?? '', /^text\/event-stream/);
      const reading = readEvents(stream);
      await new Promise((r) => setTimeout(r, 300));
      await app.antenne.startWorker();
      const events = await reading;
      const progress = events.filter((e) => e.event === 'progress').map((e) => e.data.progress);
      assert.ok(progress.length >= 2, `progress events: ${JSON.stringify(events)}`);
      assert.ok(
        progress.some((p) => typeof p === 'number' && p > 0 && p < 100),
        JSON.stringify(events),
      );
      assert.equal(progress.at(-1), 100);
      const states = events.filter((e) => e.event === 'state').map((e) => e.data.state);
      assert.equal(states[0], 'uploaded');
      assert.equal(states.at(-1), 'ready');
    });

    it('answers 404 for the events of an unknown episode', async () => {
      const res = await app.authed(`/api/episodes/nope0000/events`);
      assert.equal(res.status, 404);
    });

    it('lists shows with episode counts and a show’s episodes in every state', async () => {
      const shows = (await (await app.authed(`/api/shows`)).json()) as {
        shows: { slug: string; title: string; episodes: number }[];
      };
      assert.deepEqual(
        shows.shows.map((s) => [s.slug, s.title, s.episodes]),
        [[SHOW_INPUT.slug, SHOW_INPUT.title, 1]],
      );
      const list = (await (await app.authed(`/api/shows/${SHOW_INPUT.slug}/episodes`)).json()) as {
        episodes: { title: string; state: string }[];
      };
      assert.deepEqual(
        list.episodes.map((e) => [e.title, e.state]),
        [[ARTICLE.title, 'ready']],
      );
      const missing = await app.authed(`/api/shows/inconnue/episodes`);
      assert.equal(missing.status, 404);
    });
  });
}
