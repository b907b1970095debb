import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Episode } from '../../src/core/domain.js';
import { createLogger } from '../../src/core/logger.js';
import { storageKeys } from '../../src/core/storage-keys.js';
import { playerPeaks, type WaveformJson } from '../../src/media/peaks.js';
import { PlayerPeaksService } from '../../src/services/player-peaks.js';
import { LocalDiskStorage } from '../../src/storage/local-disk.js';

const full: WaveformJson = {
  version: 2,
  channels: 1,
  sample_rate: 8000,
  samples_per_pixel: 80,
  bits: 8,
  length: 3000,
  data: Array.from({ length: 6000 }, (_, i) => (i % 2 ? i % 120 : -(i % 110))),
};

describe('player peaks on first need (files processed before the light set)', () => {
  let dir: string;
  let storage: LocalDiskStorage;
  const recorded: [string, string, string][] = [];
  const record = (id: string, from: string, key: string) => {
    recorded.push([id, from, key]);
    return Promise.resolve(key);
  };
  const service = () =>
    new PlayerPeaksService({
      storage,
      episodes: { recordPlayerPeaks: record },
      clips: { recordPlayerPeaks: record },
      logger: createLogger({ level: 'silent', pretty: false }),
    });
  const episode = (peaksKey: string | null, playerPeaksKey: string | null = null) =>
    ({ id: 'e1', peaksKey, playerPeaksKey }) as unknown as Episode;

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'antenne-player-peaks-'));
    storage = new LocalDiskStorage(dir);
    recorded.length = 0;
  });
  afterEach(() => fs.rm(dir, { recursive: true, force: true }));

  it('derives the light set from the full one, stores and records it', async () => {
    const fullKey = storageKeys.peaks('e1', 'f'.repeat(64));
    await storage.putBytes(fullKey, JSON.stringify(full));
    const key = await service().forEpisode(episode(fullKey));
    assert.ok(key && key.startsWith('public/episodes/e1/player-peaks-'), String(key));
    const chunks: Buffer[] = [];
    for await (const c of await storage.openRead(key)) chunks.push(c as Buffer);
    assert.deepEqual(JSON.parse(Buffer.concat(chunks).toString()), playerPeaks(full));
    assert.deepEqual(recorded, [['e1', fullKey, key]]);
  });

  it('uses the recorded key without reading anything', async () => {
    const key = await service().forEpisode(episode('public/episodes/e1/peaks-x.json', 'kept'));
    assert.equal(key, 'kept');
    assert.deepEqual(recorded, []);
  });

  it('answers null, never the full set, when the full set is missing or not peaks', async () => {
    assert.equal(await service().forEpisode(episode(null)), null);
    assert.equal(await service().forEpisode(episode('public/episodes/e1/peaks-gone.json')), null);
    const bad = 'public/episodes/e1/peaks-bad.json';
    await storage.putBytes(bad, '{"version":2,"data":"x"}');
    assert.equal(await service().forEpisode(episode(bad)), null);
    assert.deepEqual(recorded, []);
  });
});
