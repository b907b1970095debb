/** The job registry checks a payload before its handler runs; what cannot succeed is not retried. */
import assert from 'node:assert/strict';
import { UnrecoverableError, type Job } from 'bullmq';
import { jobIdFor } from '../../src/core/jobs.js';
import { dispatch, type Handlers } from '../../workers/registry.js';

const fakeJob = (name: string, data: unknown) => ({ name, data }) as Job;

describe('job registry', () => {
  const seen: unknown[] = [];
  const handlers: Handlers = {
    'process-audio': (job) => {
      seen.push(job.data.episodeId);
      return Promise.resolve({ state: 'ready' });
    },
    'make-clip': (job) => Promise.resolve(job.data.clipId),
    'correct-audio': (job) => Promise.resolve(job.data.versionId),
    'publish-episode': (job) => Promise.resolve(job.data.at),
    'sweep-uploads': () => Promise.resolve(0),
    'aggregate-audience': () => Promise.resolve({ added: 0 }),
    'websub-ping': (job) => Promise.resolve({ feeds: [job.data.showId] }),
  };

  it('hands the checked payload to the handler of the job name', async () => {
    assert.deepEqual(await dispatch(handlers, fakeJob('process-audio', { episodeId: 'e1' })), {
      state: 'ready',
    });
    assert.deepEqual(seen, ['e1']);
    assert.equal(await dispatch(handlers, fakeJob('make-clip', { clipId: 'c1' })), 'c1');
  });

  it('fails a malformed payload or an unknown job without retry', () => {
    assert.throws(
      () => dispatch(handlers, fakeJob('publish-episode', { episodeId: 'e1', at: 'soon' })),
      (error: unknown) =>
        error instanceof UnrecoverableError && /Invalid job payload/.test(error.message),
    );
    assert.throws(
      () => dispatch(handlers, fakeJob('process-audio', { clipId: 'c1' })),
      UnrecoverableError,
    );
    assert.throws(() => dispatch(handlers, fakeJob('transcode-video', {})), UnrecoverableError);
  });

  it('keys job ids by what the job is about', () => {
    assert.equal(jobIdFor('process-audio', { episodeId: 'e1' }, 3), 'process-audio-e1-r3');
    assert.equal(jobIdFor('make-clip', { clipId: 'c1' }), 'make-clip-c1-r0');
    assert.equal(
      jobIdFor('publish-episode', { episodeId: 'e1', at: 5 }, 5),
      'publish-episode-e1-r5',
    );
  });
});
