import assert from 'node:assert/strict';
import {
  EPISODE_STATES,
  IllegalTransitionError,
  assertTransition,
  canTransition,
} from '../../src/core/episode-state.js';

describe('episode state machine', () => {
  it('follows the processing path', () => {
    assert.ok(canTransition('uploaded', 'processing'));
    assert.ok(canTransition('processing', 'ready'));
    assert.ok(canTransition('processing', 'failed'));
    assert.ok(canTransition('processing', 'processing'), 'a retried job starts again');
    assert.ok(canTransition('failed', 'processing'), 'a failed episode can be reprocessed');
  });

  it('refuses shortcuts and going back', () => {
    assert.equal(canTransition('uploaded', 'ready'), false);
    assert.equal(canTransition('uploaded', 'published'), false);
    assert.equal(canTransition('failed', 'ready'), false);
    assert.equal(canTransition('ready', 'uploaded'), false);
    assert.throws(() => assertTransition('uploaded', 'published'), IllegalTransitionError);
  });

  it('never lets an episode return to uploaded', () => {
    for (const from of EPISODE_STATES) assert.equal(canTransition(from, 'uploaded'), false, from);
  });
});
