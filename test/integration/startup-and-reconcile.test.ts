import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import { checkFfmpeg } from '../../src/media/capabilities.js';
import { checkRedis } from '../../src/queue/connection.js';
import { reconcile } from '../../workers/reconcile.js';
import { episodeForm, startTestApp, waitForEpisode, type TestApp } from '../helpers/app.js';
import { ARTICLE, SHOW_INPUT } from '../fixtures/editorial.js';
import { tempDir } from '../helpers/audio.js';
import { tone as toneFixture } from '../fixtures/audio.js';

describe('start-up checks', () => {
  it('say in one sentence how to get a missing ffmpeg', async () => {
    const problems = await checkFfmpeg({
      ffmpegPath: '/nonexistent/ffmpeg',
      ffprobePath: 'ffprobe',
    });
    assert.equal(problems.length, 1);
    assert.match(
      problems[0]!,
      /^ffmpeg was not found at "\/nonexistent\/ffmpeg"\. Install ffmpeg 5 or newer .*apt-get install -y ffmpeg/,
    );
  });

  it('pass on this machine’s ffmpeg and Redis', async () => {
    assert.deepEqual(await checkFfmpeg({ ffmpegPath: 'ffmpeg', ffprobePath: 'ffprobe' }), []);
    assert.deepEqual(await checkRedis('redis://127.0.0.1:6379'), []);
  });

  it('say how to start a Redis that does not answer', async () => {
    const problems = await checkRedis('redis://127.0.0.1:1');
    assert.equal(problems.length, 1);
    assert.match(problems[0]!, /^Redis does not answer at redis:\/\/127\.0\.0\.1:1.*Start Redis/);
  });
});

describe('Redis as transport, the database as truth (pglite, real Redis)', function () {
  // Longer than the layer’s timeout: starts the app and waits for real ffmpeg processing after a re-queue.
  this.timeout(60_000);
  let app: TestApp;
  let work: string;
  before(async () => {
    work = await tempDir();
    app = await startTestApp({ engine: 'pglite', worker: false });
    await app.authed('/api/shows', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(SHOW_INPUT),
    });
  });
  after(async () => {
    await app?.close();
    await fs.rm(work, { recursive: true, force: true });
  });

  it('re-queues an episode whose job Redis lost, and processing then completes', async () => {
    const tone = await toneFixture(3);
    const res = await app.authed(`/api/shows/${SHOW_INPUT.slug}/episodes`, {
      method: 'POST',
      body: await episodeForm(tone, ARTICLE),
    });
    assert.equal(res.status, 202);
    const { id } = (await res.json()) as { id: string };
    const queue = app.antenne.producer.queue('audio');
    await queue.obliterate({ force: true }); // Redis lost everything
    assert.equal(await queue.getJob(`process-audio-${id}-r0`), undefined);

    const deps = {
      episodes: app.antenne.repos.episodes,
      producer: app.antenne.producer,
      audioQueue: queue,
      logger: app.antenne.logger,
    };
    assert.deepEqual(
      await reconcile({ ...deps, minAgeMs: 60_000 }),
      { requeued: 0, failed: 0 },
      'a fresh upload is left alone',
    );
    assert.deepEqual(await reconcile({ ...deps, minAgeMs: 0 }), { requeued: 1, failed: 0 });
    assert.deepEqual(
      await reconcile({ ...deps, minAgeMs: 0 }),
      { requeued: 0, failed: 0 },
      'a queued job is not queued twice',
    );

    await app.antenne.startWorker();
    const done = await waitForEpisode(app.baseUrl, id);
    assert.equal(done.state, 'ready');
  });

  it('answers 503 when Redis is unavailable at upload time, and keeps the episode to process later', async () => {
    const tone = await toneFixture(2);
    await app.antenne.producer.close(); // the queue connection is gone
    const res = await app.authed(`/api/shows/${SHOW_INPUT.slug}/episodes`, {
      method: 'POST',
      body: await episodeForm(tone, { ...ARTICLE, title: 'Sans file d’attente' }, 'second.wav'),
    });
    assert.equal(res.status, 503);
    const problem = (await res.json()) as { detail: string; type: string };
    assert.equal(problem.type, '/problems/queue-unavailable');
    assert.match(problem.detail, /saved and will be processed/);
    const rows = await app.antenne.db.db
      .selectFrom('episodes')
      .select(['state', 'title'])
      .where('title', '=', 'Sans file d’attente')
      .execute();
    assert.deepEqual(rows, [{ state: 'uploaded', title: 'Sans file d’attente' }]);
  });
});
