import assert from 'node:assert/strict';

/** The error a call throws, checked to be a `type`; the test fails when the call returns. */
export function thrownBy<E extends Error>(
  fn: () => unknown,
  type: abstract new (...args: never[]) => E,
  returned = 'nothing thrown',
): E {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof type, String(error));
    return error;
  }
  assert.fail(returned);
}
