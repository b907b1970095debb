/**
 * How the output's true-peak meter is shared out over the encode processes,
 * learned from their own times.
 *
 * Which encode process is the heavier depends on the CPU: on one machine of this
 * project's kind the Opus process was the lighter by ~11 %, on another the heavier
 * by as much (docs/audio.md), so no fixed cost table can put the meters on the
 * lighter one everywhere. Each encode reports how long each process took; the next
 * encode of the same grouping moves the true-peak meter's time span away from the
 * process that ended last, and when that is not enough, the loudness meter and the
 * peaks PCM too. A worker keeps it in memory (it keeps nothing on disk but temp
 * files); a file can keep it across processes (the bench's child processes). A
 * hint only: a missing or unreadable file means equal shares.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { Logger } from '../core/logger.js';

/**
 * How far a share moves per unit of relative imbalance. The true-peak meter is
 * ~6–12 % of an encode process's time (docs/audio.md); a gain of 5 closes about half
 * of the gap in one job at the low end, and does not overshoot unless the meter were
 * over 40 % of a process.
 */
const GAIN = 5;

/**
 * How much later than the mean the process with the loudness meter and the peaks
 * PCM may end, with no true-peak share left to give away, before they move to the
 * process that ended first.
 */
const MOVE_METERS_PAST = 0.01;

/** Shorter programs are not learned from: the processes' start weighs too much there. */
export const LEARN_FROM_SECONDS = 60;

/** Where the output's meters go: the true peak's share per process, and the loudness meter's process (with the peaks PCM). */
export interface EncodePlan {
  readonly truePeakShares: readonly number[];
  readonly meterGroup: number;
}

const planSchema = z.object({
  truePeakShares: z.array(z.number().min(0).max(1)).min(2).max(16),
  meterGroup: z.number().int().min(0).max(15),
});
const stateSchema = z.object({
  version: z.literal(1),
  plans: z.record(z.string().max(500), planSchema),
});

/** The grouping an observation is about: the profile names of each process. */
export function encodeSignature(groups: readonly (readonly string[])[]): string {
  return groups.map((g) => g.join('+')).join('|');
}

/** Equal shares. */
const even = (count: number) => new Array<number>(count).fill(1 / count);

/** Nothing learned yet: the true peak shared out equally, the loudness meter on `meterGroup`. */
export const evenPlan = (count: number, meterGroup: number): EncodePlan => ({
  truePeakShares: even(count),
  meterGroup,
});

const round4 = (n: number) => Math.round(n * 10_000) / 10_000;

/**
 * The next plan: each process's true-peak share moves by its relative lateness (its
 * time against the mean), clamped to [0, 1] and summing to 1 again. If the process
 * with the loudness meter is left with no share and still ends late, that meter and
 * the peaks PCM move to the process that ended first, and the true peak goes halfway
 * back to even (the process that took them was carrying it all).
 */
export function rebalance(plan: EncodePlan, seconds: readonly number[]): EncodePlan {
  const shares = plan.truePeakShares;
  const mean = seconds.reduce((a, b) => a + b, 0) / seconds.length;
  if (!(mean > 0) || seconds.length !== shares.length) return plan;
  const moved = shares.map((s, i) => Math.max(0, s - (GAIN * (seconds[i]! - mean)) / mean));
  const total = moved.reduce((a, b) => a + b, 0);
  const truePeakShares = total > 0 ? moved.map((s) => round4(s / total)) : even(shares.length);
  const meterLate = seconds[plan.meterGroup]! > mean * (1 + MOVE_METERS_PAST);
  if (truePeakShares[plan.meterGroup] === 0 && meterLate) {
    const half = even(shares.length).map((e, i) => round4((e + truePeakShares[i]!) / 2));
    return { truePeakShares: half, meterGroup: seconds.indexOf(Math.min(...seconds)) };
  }
  return { truePeakShares, meterGroup: plan.meterGroup };
}

export class EncodeBalance {
  private state: Map<string, EncodePlan> | undefined;
  private saving: Promise<void> = Promise.resolve();

  /** `file`: where to keep what was learned (none: in memory only). */
  constructor(
    private readonly options: { readonly file?: string; readonly logger?: Logger } = {},
  ) {}

  private async load(): Promise<Map<string, EncodePlan>> {
    if (this.state) return this.state;
    let loaded = new Map<string, EncodePlan>();
    if (this.options.file) {
      try {
        const parsed = stateSchema.safeParse(
          JSON.parse(await fs.readFile(this.options.file, 'utf8')),
        );
        if (parsed.success) loaded = new Map(Object.entries(parsed.data.plans));
        else this.unreadable();
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') this.unreadable();
      }
    }
    // Another call may have loaded it meanwhile: the first one wins.
    this.state ??= loaded;
    return this.state;
  }

  private unreadable(): void {
    this.options.logger?.warn('encode balance: unreadable state, starting from even shares');
  }

  /**
   * The plan for `count` processes of this grouping: what was learned, else even
   * true-peak shares and the loudness meter on `meterGroup` (the cost table's choice).
   */
  async planFor(signature: string, count: number, meterGroup: number): Promise<EncodePlan> {
    const held = (await this.load()).get(signature);
    return held && held.truePeakShares.length === count && held.meterGroup < count
      ? held
      : evenPlan(count, meterGroup);
  }

  /**
   * What an encode with this plan took, per process (seconds of wall time, the
   * processes side by side). Learns nothing from a short program.
   */
  async observe(
    signature: string,
    plan: EncodePlan,
    seconds: readonly number[],
    programSeconds: number,
  ): Promise<void> {
    if (programSeconds < LEARN_FROM_SECONDS || plan.truePeakShares.length < 2) return;
    const state = await this.load();
    state.set(signature, rebalance(plan, seconds));
    const file = this.options.file;
    if (!file) return;
    const snapshot = JSON.stringify({ version: 1, plans: Object.fromEntries(state) });
    // One write at a time, the latest state last; a failure costs only the hint.
    this.saving = this.saving.then(async () => {
      try {
        await fs.mkdir(path.dirname(file), { recursive: true });
        const temp = `${file}.${process.pid}.tmp`;
        await fs.writeFile(temp, snapshot);
        await fs.rename(temp, file);
      } catch (error) {
        this.options.logger?.warn(
          { error: (error as Error).message },
          'encode balance: could not keep the state',
        );
      }
    });
    await this.saving;
  }
}
