/**
 * The encode balance (src/media/encode-balance.ts): the output meter goes on the
 * encode process that is the fastest without it, learned from the processes that did
 * not carry it; it does not move for a gap within the noise; what was learned is kept
 * in a file across restarts, and a bad or older file only costs the hint.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  EncodeBalance,
  encodeSignature,
  LEARN_FROM_SECONDS,
  learnFrom,
  placeMeter,
  type Placement,
} from '../../src/media/encode-balance.js';

const SIGNATURE = encodeSignature([['opus-48k'], ['mp3-128k', 'aac-128k']]);

describe('encode balance', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'antenne-balance-'));
  });
  afterEach(() => fs.rm(dir, { recursive: true, force: true }));

  it('names a grouping by the profiles of each process', () => {
    assert.equal(SIGNATURE, 'opus-48k|mp3-128k+aac-128k');
    assert.notEqual(SIGNATURE, encodeSignature([['opus-48k', 'mp3-128k'], ['aac-128k']]));
  });

  it('puts the meter on the process that is fastest without it, past the noise only', () => {
    assert.equal(placeMeter([0.035, 0.03], 0), 1);
    assert.equal(placeMeter([0.03, 0.035], 0), 0);
    // Within 2 %: it stays where it is.
    assert.equal(placeMeter([0.0305, 0.03], 0), 0);
    assert.equal(placeMeter([0.031, 0.03], 0), 1);
    assert.equal(placeMeter([0.03, 0.04, 0.02], 1), 2);
    // Nothing known: it stays.
    assert.equal(placeMeter([null, null], 1), 1);
  });

  it('moves the meter once off a process never seen without it, to learn that one too', () => {
    assert.equal(placeMeter([null, 0.04], 0), 1);
    assert.equal(placeMeter([null, 0.04, 0.03], 0), 2);
  });

  it('learns from the processes without the meter, as a moving average', () => {
    // Process 0 carried the meter: only process 1 is learned (200 s for 10 minutes).
    const first = learnFrom([null, null], { meterGroup: 0 }, [230, 200], 600);
    assert.deepEqual(first.bare, [null, 200 / 600]);
    assert.equal(first.meterGroup, 1, 'moved to learn process 0');
    const second = learnFrom(first.bare, { meterGroup: 1 }, [180, 215], 600);
    assert.deepEqual(second.bare, [180 / 600, 200 / 600]);
    assert.equal(second.meterGroup, 0, 'process 0 is the lighter without the meter');
    // One slow job moves an average by 30 % of its gap, not to it.
    const third = learnFrom(second.bare, { meterGroup: 0 }, [260, 240], 600);
    assert.ok(Math.abs(third.bare[1]! - (200 + 0.3 * 40) / 600) < 1e-9, String(third.bare[1]));
    assert.equal(third.meterGroup, 0);
  });

  it('learns nothing from a broken observation', () => {
    const bare = [0.3, 0.35];
    assert.deepEqual(learnFrom(bare, { meterGroup: 0 }, [0, 0], 600).bare, bare);
    assert.deepEqual(learnFrom(bare, { meterGroup: 0 }, [100, 200, 300], 600).bare, bare);
    assert.deepEqual(learnFrom(bare, { meterGroup: 0 }, [100, 200], 0).bare, bare);
  });

  it('starts from the cost table, learns, keeps it in its file for the next worker', async () => {
    const file = path.join(dir, 'worker', 'encode-balance.json');
    const first = new EncodeBalance({ file });
    assert.deepEqual(await first.planFor(SIGNATURE, 2, 1), { meterGroup: 1 });
    await first.observe(SIGNATURE, { meterGroup: 1 }, [1300, 1200], 3600);
    assert.deepEqual(await first.planFor(SIGNATURE, 2, 1), { meterGroup: 0 });
    // Another grouping is untouched.
    assert.deepEqual(await first.planFor('mp3-128k|opus-48k', 2, 1), { meterGroup: 1 });
    const restarted = new EncodeBalance({ file });
    assert.deepEqual(await restarted.planFor(SIGNATURE, 2, 1), { meterGroup: 0 });
  });

  it('learns nothing from a short program', async () => {
    const balance = new EncodeBalance();
    await balance.observe(SIGNATURE, { meterGroup: 0 }, [10, 20], LEARN_FROM_SECONDS - 1);
    assert.deepEqual(await balance.planFor(SIGNATURE, 2, 0), { meterGroup: 0 });
    await balance.observe(SIGNATURE, { meterGroup: 0 }, [10, 20], LEARN_FROM_SECONDS);
    assert.deepEqual(await balance.planFor(SIGNATURE, 2, 0), { meterGroup: 1 });
  });

  it('treats a damaged, foreign or older file as no hint, and replaces it', async () => {
    const file = path.join(dir, 'encode-balance.json');
    const placement = (p: unknown) => ({ version: 2, placements: { [SIGNATURE]: p } });
    for (const content of [
      '{ not json',
      // What the split true-peak meter kept (version 1).
      JSON.stringify({
        version: 1,
        plans: { [SIGNATURE]: { truePeakShares: [0, 1], meterGroup: 1 } },
      }),
      JSON.stringify(placement({ meterGroup: 1, bare: [-1, 0.3] })),
      JSON.stringify(placement({ meterGroup: 2, bare: [0.3, 0.3] })),
      JSON.stringify(placement({ meterGroup: 0.5, bare: [0.3, 0.3] })),
    ]) {
      await fs.writeFile(file, content);
      const balance = new EncodeBalance({ file });
      assert.deepEqual(await balance.planFor(SIGNATURE, 2, 0), { meterGroup: 0 }, content);
    }
    const balance = new EncodeBalance({ file });
    await balance.observe(SIGNATURE, { meterGroup: 0 }, [100, 120], 600);
    const kept = JSON.parse(await fs.readFile(file, 'utf8')) as {
      placements: Record<string, Placement>;
    };
    assert.deepEqual(kept.placements[SIGNATURE], { meterGroup: 1, bare: [null, 0.2] });
  });

  it('ignores a hint for another number of processes', async () => {
    const balance = new EncodeBalance();
    await balance.observe(SIGNATURE, { meterGroup: 0 }, [100, 120], 600);
    assert.deepEqual(await balance.planFor(SIGNATURE, 3, 2), { meterGroup: 2 });
  });
});
