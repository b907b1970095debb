/**
 * /metrics for Prometheus: after a real upload, the queue gauges show the job
 * waiting, HTTP latency is labelled by route template, and the worker's job,
 * ffmpeg and feed figures appear once it ran. Behind a token on the API port or
 * on a port of its own; with neither configured there is no /metrics at all.
 */
import assert from 'node:assert/strict';
import { startTestApp, uploadEpisode, useTestApp, waitForEpisode } from '../helpers/app.js';
import { SHOW_INPUT } from '../fixtures/editorial.js';
import { tone } from '../fixtures/audio.js';

const METRICS_TOKEN = 'prometheus-scrape-token-0123456789';

/** The value of the first sample whose name and labels start with `prefix`. */
function sample(text: string, prefix: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(prefix));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('metrics for Prometheus', function () {
  // Longer than the layer’s timeout: waits for a worker to process an upload before reading its metrics.
  this.timeout(120_000);
  // No worker yet: the upload's job waits in the queue, where the gauges must see it.
  const app = useTestApp({
    engine: 'pglite',
    worker: false,
    env: { METRICS_TOKEN, METRICS_PORT: '0' },
  });
  let metricsPort: number | null;
  let episodeId: string;

  const scrape = async (token: string | null = METRICS_TOKEN) => {
    const res = await fetch(`${app.baseUrl}/metrics`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
    return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
  };

  before(async () => {
    metricsPort = await app.antenne.metrics.listen();
  });

  it('refuses a scrape without the metrics token, or with an editor token', async () => {
    assert.equal((await scrape(null)).status, 401);
    assert.equal((await scrape('test-editor-token-0123456789abcdef')).status, 401);
    assert.equal((await scrape(`${METRICS_TOKEN}x`)).status, 401);
  });

  it('shows the waiting upload in the queue gauges and the request under its route template', async () => {
    const upload = await uploadEpisode(app, await tone(3));
    assert.equal(upload.status, 202, await upload.clone().text());
    episodeId = ((await upload.json()) as { id: string }).id;
    await new Promise((r) => setTimeout(r, 1100));

    const { status, type, text } = await scrape();
    assert.equal(status, 200);
    assert.match(type ?? '', /^text\/plain/);
    assert.equal(sample(text, 'antenne_queue_jobs{queue="audio",state="waiting"}'), 1);
    assert.equal(sample(text, 'antenne_queue_jobs{queue="audio",state="active"}'), 0);
    assert.equal(sample(text, 'antenne_queue_jobs{queue="feeds",state="waiting"}'), 0);
    const age = sample(text, 'antenne_queue_oldest_waiting_job_age_seconds{queue="audio"}');
    assert.ok(age !== undefined && age >= 1 && age < 60, `oldest waiting job age ${age}`);

    const uploads = sample(
      text,
      'antenne_http_request_duration_seconds_count{method="POST",route="/api/shows/:slug/episodes",status="202"}',
    );
    assert.ok(uploads !== undefined && uploads >= 1, 'the upload is timed under its route');
    const routes = [...text.matchAll(/route="([^"]*)"/g)].map((m) => m[1]);
    assert.ok(
      !routes.some((r) => r?.includes(SHOW_INPUT.slug)),
      `no raw path as a route label: ${[...new Set(routes)].join(', ')}`,
    );
  });

  it('records the job, the ffmpeg realtime factor and the feed build once a worker ran', async () => {
    await app.antenne.startWorker();
    assert.equal((await waitForEpisode(app.baseUrl, episodeId)).state, 'ready');
    const feed = await fetch(`${app.baseUrl}/feeds/${SHOW_INPUT.slug}.xml`);
    assert.equal(feed.status, 200);
    await feed.arrayBuffer();

    const { text } = await scrape();
    assert.ok(
      (sample(text, 'antenne_job_duration_seconds_count{queue="audio",outcome="completed"}') ??
        0) >= 1,
    );
    assert.ok((sample(text, 'antenne_ffmpeg_realtime_factor_count') ?? 0) >= 1);
    assert.ok((sample(text, 'antenne_feed_build_duration_seconds_count') ?? 0) >= 1);
    assert.equal(sample(text, 'antenne_queue_jobs{queue="audio",state="waiting"}'), 0);
    assert.equal(sample(text, 'antenne_queue_oldest_waiting_job_age_seconds{queue="audio"}'), 0);
    assert.ok(
      (sample(
        text,
        'antenne_http_request_duration_seconds_count{method="GET",route="/feeds/:show{/:topic}.xml",status="200"}',
      ) ?? 0) >= 1,
      'the feed fast path is timed too',
    );
  });

  it('serves the same metrics on METRICS_PORT without a token, and nothing else there', async () => {
    assert.ok(metricsPort, 'METRICS_PORT=0 binds a free port');
    const res = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    assert.equal(res.status, 200);
    assert.match(await res.text(), /^antenne_queue_jobs\{queue="audio",state="waiting"\} \d+$/m);
    const other = await fetch(`http://127.0.0.1:${metricsPort}/api/shows`);
    assert.equal(other.status, 404);
    await other.arrayBuffer();
  });

  it('has no /metrics route at all when neither a token nor a port is configured', async () => {
    const bare = await startTestApp({ engine: 'pglite', worker: false });
    try {
      const res = await fetch(`${bare.baseUrl}/metrics`);
      assert.equal(res.status, 404);
      await res.arrayBuffer();
      assert.equal(bare.antenne.metrics.router, null);
      assert.equal(await bare.antenne.metrics.listen(), null);
    } finally {
      await bare.close();
    }
  });
});
