import assert from 'node:assert/strict';
import net from 'node:net';
import { withFreePort } from '../../support/ports.js';

describe('withFreePort', () => {
  it('starts again on another port when the chosen one was taken meanwhile', async () => {
    const tried: number[] = [];
    let squatter: net.Server | null = null;
    const result = await withFreePort(async (port) => {
      tried.push(port);
      if (tried.length === 1) {
        // Someone else takes the port between the choice and the listen.
        squatter = net.createServer();
        await new Promise<void>((resolve) => squatter!.listen(port, '127.0.0.1', resolve));
      }
      const server = net.createServer();
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', resolve);
      });
      return server;
    });
    assert.equal(tried.length, 2);
    assert.notEqual(tried[0], tried[1]);
    assert.equal(result.port, tried[1]);
    await new Promise((resolve) => result.value.close(resolve));
    await new Promise((resolve) => squatter!.close(resolve));
  });

  it('gives up after its attempts, and passes other errors through at once', async () => {
    let calls = 0;
    const taken = Object.assign(new Error('taken'), { code: 'EADDRINUSE' });
    await assert.rejects(
      withFreePort(() => {
        calls += 1;
        return Promise.reject(taken);
      }, 3),
      /taken/,
    );
    assert.equal(calls, 3);
    calls = 0;
    await assert.rejects(
      withFreePort(() => {
        calls += 1;
        return Promise.reject(new Error('other'));
      }),
      /other/,
    );
    assert.equal(calls, 1);
  });
});
