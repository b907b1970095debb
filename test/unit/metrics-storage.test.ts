import assert from 'node:assert/strict';
import { processRegistry } from '../../src/metrics/registry.js';
import { countStorageErrors } from '../../src/metrics/storage.js';

/** The counter's value for one operation (0 before its first error). */
async function errorsOf(op: string): Promise<number> {
  const metric = await processRegistry.getSingleMetric('antenne_storage_errors_total')!.get();
  return metric.values.find((v) => v.labels.op === op)?.value ?? 0;
}

describe('storage error counter', () => {
  const storage = countStorageErrors({
    calls: 0,
    stat(key: string): Promise<{ bytes: number }> {
      this.calls++;
      return key === 'broken'
        ? Promise.reject(new Error('disk on fire'))
        : Promise.resolve({ bytes: 1 });
    },
    async withLocalFile<T>(_key: string, fn: (path: string) => Promise<T>): Promise<T> {
      return fn('/tmp/copy');
    },
  });

  it('counts a failed operation by name and passes the error and results through', async () => {
    const before = await errorsOf('stat');
    assert.deepEqual(await storage.stat('fine'), { bytes: 1 });
    await assert.rejects(storage.stat('broken'), /disk on fire/);
    assert.equal(await errorsOf('stat'), before + 1);
    assert.equal(storage.calls, 2, 'methods run on the storage itself');
  });

  it("does not count the failure of the caller's own callback as a storage error", async () => {
    const before = await errorsOf('withLocalFile');
    await assert.rejects(
      storage.withLocalFile('k', () => Promise.reject(new Error('ffmpeg failed'))),
      /ffmpeg failed/,
    );
    assert.equal(await errorsOf('withLocalFile'), before);
    assert.equal(await storage.withLocalFile('k', (p) => Promise.resolve(p)), '/tmp/copy');
  });
});
