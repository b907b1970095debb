/**
 * The encode balance (src/media/encode-balance.ts): the output true-peak meter's
 * share moves away from the encode process that ended last, stays in [0, 1] and
 * sums to 1; the loudness meter moves when that is not enough; what was learned is
 * kept in a file across restarts, and a bad file only costs the hint.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  EncodeBalance,
  encodeSignature,
  LEARN_FROM_SECONDS,
  rebalance,
  type EncodePlan,
} from '../../src/media/encode-balance.js';
import { meterSpans, sharedSpans } from '../../src/media/profiles.js';

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
const SIGNATURE = encodeSignature([['opus-48k'], ['mp3-128k', 'aac-128k']]);
const plan = (truePeakShares: number[], meterGroup = 0): EncodePlan => ({
  truePeakShares,
  meterGroup,
});

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

  it('moves the true-peak share away from the process that ended last, in proportion', () => {
    // Process 1 took 10 % longer than the mean: its share falls, process 0's rises.
    const next = rebalance(plan([0.5, 0.5]), [100, 122]).truePeakShares;
    assert.ok(next[0]! > 0.5 && next[1]! < 0.5, JSON.stringify(next));
    assert.ok(Math.abs(sum(next) - 1) < 1e-3);
    const smaller = rebalance(plan([0.5, 0.5]), [110, 112]).truePeakShares;
    assert.ok(smaller[0]! - 0.5 < next[0]! - 0.5, 'a smaller gap moves less');
    assert.deepEqual(rebalance(plan([0.5, 0.5]), [100, 100]), plan([0.5, 0.5]));
  });

  it('clamps at all-or-nothing and keeps the sum at 1, for three processes too', () => {
    assert.deepEqual(rebalance(plan([0.5, 0.5], 0), [80, 130]).truePeakShares, [1, 0]);
    assert.deepEqual(rebalance(plan([0.2, 0.8], 1), [150, 100]).truePeakShares, [0, 1]);
    const three = rebalance(plan([1 / 3, 1 / 3, 1 / 3]), [100, 120, 90]).truePeakShares;
    assert.ok(three.every((s) => s >= 0 && s <= 1));
    assert.ok(Math.abs(sum(three) - 1) < 1e-3);
    assert.ok(three[1]! < three[0]! && three[0]! < three[2]!, JSON.stringify(three));
    // Nothing to learn from a broken observation.
    assert.deepEqual(rebalance(plan([0.5, 0.5]), [0, 0]), plan([0.5, 0.5]));
  });

  it('moves the loudness meter only when the true peak left its process and it still ends late', () => {
    // The meter's process (0) late with some true peak left: only the share moves.
    assert.equal(rebalance(plan([0.5, 0.5], 0), [104, 100]).meterGroup, 0);
    // Late with no share left: the loudness meter and the peaks go to the first to end,
    // which was carrying all the true peak: half of it goes back.
    const moved = rebalance(plan([0, 1], 0), [129, 120]);
    assert.deepEqual(moved, plan([0.25, 0.75], 1));
    // Within 1 % of the mean: they stay.
    assert.equal(rebalance(plan([0, 1], 0), [121, 120]).meterGroup, 0);
    // And then the true peak keeps moving towards the process that lost the meter.
    const after = rebalance(moved, [118, 125]);
    assert.equal(after.meterGroup, 1);
    assert.ok(after.truePeakShares[0]! > 0.25, JSON.stringify(after));
  });

  it('starts from the cost table, learns, keeps it in its file for the next worker', async () => {
    const file = path.join(dir, 'worker', 'encode-balance.json');
    const first = new EncodeBalance({ file });
    assert.deepEqual(await first.planFor(SIGNATURE, 2, 1), plan([0.5, 0.5], 1));
    await first.observe(SIGNATURE, plan([0.5, 0.5], 1), [113, 129], 3600);
    const learned = await first.planFor(SIGNATURE, 2, 1);
    assert.ok(learned.truePeakShares[0]! > 0.5, JSON.stringify(learned));
    // Another grouping is untouched.
    assert.deepEqual(await first.planFor('mp3-128k|opus-48k', 2, 0), plan([0.5, 0.5], 0));
    const restarted = new EncodeBalance({ file });
    assert.deepEqual(await restarted.planFor(SIGNATURE, 2, 1), learned);
  });

  it('learns nothing from a short program', async () => {
    const balance = new EncodeBalance();
    await balance.observe(SIGNATURE, plan([0.5, 0.5]), [10, 20], LEARN_FROM_SECONDS - 1);
    assert.deepEqual(await balance.planFor(SIGNATURE, 2, 0), plan([0.5, 0.5]));
    await balance.observe(SIGNATURE, plan([0.5, 0.5]), [10, 20], LEARN_FROM_SECONDS);
    assert.notDeepEqual(await balance.planFor(SIGNATURE, 2, 0), plan([0.5, 0.5]));
  });

  it('treats a damaged or foreign file as no hint, and replaces it', async () => {
    const file = path.join(dir, 'encode-balance.json');
    for (const content of [
      '{ not json',
      JSON.stringify({ version: 2, plans: {} }),
      JSON.stringify({ version: 1, plans: { [SIGNATURE]: plan([1.5, -0.5]) } }),
      JSON.stringify({ version: 1, plans: { [SIGNATURE]: plan([0.5, 0.5], 0.5) } }),
    ]) {
      await fs.writeFile(file, content);
      const balance = new EncodeBalance({ file });
      assert.deepEqual(await balance.planFor(SIGNATURE, 2, 0), plan([0.5, 0.5]), content);
    }
    const balance = new EncodeBalance({ file });
    await balance.observe(SIGNATURE, plan([0.5, 0.5]), [100, 120], 600);
    const kept = JSON.parse(await fs.readFile(file, 'utf8')) as {
      plans: Record<string, EncodePlan>;
    };
    assert.deepEqual(kept.plans[SIGNATURE], await balance.planFor(SIGNATURE, 2, 0));
  });

  it('ignores a hint for another number of processes', async () => {
    const balance = new EncodeBalance();
    await balance.observe(SIGNATURE, plan([0.5, 0.5], 1), [100, 120], 600);
    assert.deepEqual(await balance.planFor(SIGNATURE, 3, 2), plan([1 / 3, 1 / 3, 1 / 3], 2));
  });
});

describe('true-peak spans from shares', () => {
  it('equal shares are the equal spans', () => {
    assert.deepEqual(sharedSpans(600, [0.5, 0.5]), meterSpans(600, 2));
  });

  it('a process with no share meters nothing, one with all meters the whole program', () => {
    assert.deepEqual(sharedSpans(600, [1, 0]), [[], null]);
    assert.deepEqual(sharedSpans(600, [0, 1]), [null, []]);
  });

  it('unequal shares cut the program where they say, overlapping a little', () => {
    assert.deepEqual(sharedSpans(600, [0.25, 0.75]), [
      ['atrim=end=150.050'],
      ['atrim=start=149.950'],
    ]);
    assert.deepEqual(sharedSpans(100, [0.2, 0, 0.8]), [
      ['atrim=end=20.050'],
      null,
      ['atrim=start=19.950'],
    ]);
  });
});
