/**
 * The learned encode balance on real ffmpeg (src/media/encode-balance.ts): whichever
 * encode process carries the output meter, the output figures are the whole program's
 * and the same, the published files stay ≤ −1 dBTP, and what the encode took is kept
 * for the next job.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { RENDITION_PROFILES } from '../../src/core/media-types.js';
import {
  EncodeBalance,
  encodeSignature,
  LEARN_FROM_SECONDS,
  type EncodePlan,
  type Placement,
} from '../../src/media/encode-balance.js';
import { targetFor } from '../../src/media/loudness.js';
import { processMaster, type PipelineResult } from '../../src/media/pipeline.js';
import { planEncodeGroups } from '../../src/media/profiles.js';
import { measureLoudness, tempDir } from '../helpers/audio.js';
import { loopedInterview } from '../fixtures/audio.js';

const ladder = [RENDITION_PROFILES['mp3-128k']!, RENDITION_PROFILES['opus-48k']!];
const { groups, lightest } = planEncodeGroups(ladder, 2);
const signature = encodeSignature(groups.map((g) => g.map((i) => ladder[i]!.name)));
const other = 1 - lightest;

describe('encode balance on real ffmpeg', function () {
  // Longer than the layer’s timeout: two encodes of a 75-second program.
  this.timeout(120_000);
  let work: string;
  let input: string;
  const seconds = LEARN_FROM_SECONDS + 15;
  before(async () => {
    work = await tempDir('encode-balance-');
    input = await loopedInterview(seconds);
  });
  after(() => fs.rm(work, { recursive: true, force: true }));

  /** One job with the balance file holding `plan` for this grouping beforehand. */
  async function encodeWith(
    name: string,
    plan: EncodePlan,
  ): Promise<{ result: PipelineResult; kept: Placement | undefined }> {
    const dir = path.join(work, name);
    await fs.mkdir(dir);
    const file = path.join(dir, 'encode-balance.json');
    // Nothing known of the processes' own costs yet: this job's plan is `plan`.
    const held: Placement = { meterGroup: plan.meterGroup, bare: [null, null] };
    await fs.writeFile(file, JSON.stringify({ version: 2, placements: { [signature]: held } }));
    const result = await processMaster(
      {
        input,
        declaredDurationSeconds: seconds,
        dir,
        ladder,
        target: targetFor(2, -16, -1),
        tags: { title: 'Entretien « équilibré »', artist: 'Antenne', album: 'Tests' },
        parallelism: 2,
        balance: new EncodeBalance({ file }),
      },
      { ffmpegPath: 'ffmpeg', timeoutMs: 100_000 },
    );
    const state = JSON.parse(await fs.readFile(file, 'utf8')) as {
      placements: Record<string, Placement>;
    };
    return { result, kept: state.placements[signature] };
  }

  it('meters the whole program whichever process carries the meter, and learns', async () => {
    assert.equal(groups.length, 2, 'two encode processes');
    const plans = {
      // With the peaks PCM (the cost table's lightest group), and on the other.
      lightest: { meterGroup: lightest },
      other: { meterGroup: other },
    };
    const runs: Record<string, Awaited<ReturnType<typeof encodeWith>>> = {};
    for (const [name, plan] of Object.entries(plans)) {
      runs[name] = await encodeWith(name, plan);
      assert.deepEqual(runs[name].result.encodePlan, plan, `${name}: the plan was followed`);
    }
    const reference = runs.lightest!.result.loudness.output;
    for (const [name, { result }] of Object.entries(runs)) {
      const output = result.loudness.output;
      assert.ok(Number.isFinite(output.truePeak), `${name}: a true peak was measured`);
      // The same processed signal, metered whole: the same figures to ffmpeg's 0.1 dB.
      assert.ok(
        Math.abs(output.truePeak - reference.truePeak) <= 0.1,
        `${name}: ${output.truePeak} vs ${reference.truePeak}`,
      );
      assert.ok(Math.abs(output.integrated - reference.integrated) <= 0.1, name);
      for (const { path: file } of result.outputs) {
        const measured = await measureLoudness(file);
        assert.ok(
          measured.truePeak <= -1,
          `${name} ${path.basename(file)}: ${measured.truePeak} dBTP`,
        );
      }
    }
    // Each job learned the process without the meter, and moved the meter to learn the other.
    for (const [name, plan] of Object.entries(plans)) {
      const kept = runs[name]!.kept!;
      const unmetered = 1 - plan.meterGroup;
      assert.ok(kept.bare[unmetered]! > 0, `${name}: ${JSON.stringify(kept)}`);
      assert.equal(kept.bare[plan.meterGroup], null, name);
      assert.equal(kept.meterGroup, unmetered, name);
    }
  });
});
