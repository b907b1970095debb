/**
 * Which encode process carries the output meter, learned from the processes' own times.
 *
 * The output meter (one ebur128 instance: the loudness and the true peak of the whole
 * program) costs about a tenth of an encode process's time, as much as separates the
 * heavier encode group from the lighter. Which group is the lighter depends on the CPU:
 * on one machine of this project's kind the Opus process was the lighter by ~11 %, on
 * another the heavier by as much (docs/audio.md), so no fixed cost table can place the
 * meter well everywhere. Each encode reports how long each process took; the processes
 * that did not carry the meter tell their own cost per second of program (a moving
 * average), and the meter goes on the process that is the fastest without it. It moves
 * only for a gap larger than the noise between jobs, so it does not chase noise.
 *
 * A worker keeps it in memory (it keeps nothing on disk but temp files); a file can keep
 * it across processes (the bench's child processes). A hint only: a missing, unreadable
 * or older file means the cost table's choice.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { Logger } from '../core/logger.js';

/** Weight of the newest job in a process's moving average (earlier jobs keep the rest). */
const SMOOTHING = 0.3;

/**
 * How much slower (per program second, without the meter) the meter's process may be
 * than the lightest before the meter moves: a job's process times wander by a few per
 * cent on a shared machine, the averages by less.
 */
const STAY_WITHIN = 0.02;

/** Shorter programs are not learned from: the processes' start weighs too much there. */
export const LEARN_FROM_SECONDS = 60;

/** Where the output meter goes: the index of the encode process that carries it. */
export interface EncodePlan {
  readonly meterGroup: number;
}

/** What was learned of one grouping. */
export interface Placement {
  readonly meterGroup: number;
  /**
   * Per process: its wall seconds per program second in the jobs where it did not carry
   * the meter (a moving average), null until it has run once without it.
   */
  readonly bare: readonly (number | null)[];
}

const STATE_VERSION = 2;
const placementSchema = z
  .object({
    meterGroup: z.number().int().min(0).max(15),
    bare: z.array(z.number().positive().finite().nullable()).min(2).max(16),
  })
  .refine((p) => p.meterGroup < p.bare.length);
const stateSchema = z.object({
  version: z.literal(STATE_VERSION),
  placements: z.record(z.string().max(500), placementSchema),
});

/** The grouping an observation is about: the profile names of each process. */
export function encodeSignature(groups: readonly (readonly string[])[]): string {
  return groups.map((g) => g.join('+')).join('|');
}

/**
 * The meter's next process: the lightest by the averages, unless the current one is
 * within STAY_WITHIN of it. A current process never seen without the meter gives the
 * meter up once (to the lightest known), so that its own cost gets known.
 */
export function placeMeter(bare: readonly (number | null)[], current: number): number {
  let lightest = -1;
  bare.forEach((b, g) => {
    if (b !== null && (lightest < 0 || b < bare[lightest]!)) lightest = g;
  });
  if (lightest < 0) return current;
  const here = bare[current];
  if (here === null || here === undefined) return lightest;
  return here <= bare[lightest]! * (1 + STAY_WITHIN) ? current : lightest;
}

/** What one encode with `plan` teaches: the processes without the meter update their averages. */
export function learnFrom(
  previous: readonly (number | null)[],
  plan: EncodePlan,
  seconds: readonly number[],
  programSeconds: number,
): Placement {
  if (seconds.length !== previous.length || !(programSeconds > 0)) {
    return { meterGroup: plan.meterGroup, bare: previous };
  }
  const bare = previous.map((average, g) => {
    const rate = seconds[g]! / programSeconds;
    if (g === plan.meterGroup || !(rate > 0) || !Number.isFinite(rate)) return average;
    return average === null ? rate : average + SMOOTHING * (rate - average);
  });
  return { meterGroup: placeMeter(bare, plan.meterGroup), bare };
}

export class EncodeBalance {
  private state: Map<string, Placement> | undefined;
  private saving: Promise<void> = Promise.resolve();

  /** `file`: where to keep what was learned (none: in memory only). */
  constructor(
    private readonly options: { readonly file?: string; readonly logger?: Logger } = {},
  ) {}

  private async load(): Promise<Map<string, Placement>> {
    if (this.state) return this.state;
    let loaded = new Map<string, Placement>();
    if (this.options.file) {
      try {
        const parsed = stateSchema.safeParse(
          JSON.parse(await fs.readFile(this.options.file, 'utf8')),
        );
        if (parsed.success) loaded = new Map(Object.entries(parsed.data.placements));
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
    this.options.logger?.warn('encode balance: unreadable or older state, starting afresh');
  }

  /** The plan for `count` processes of this grouping: what was learned, else `meterGroup` (the cost table's choice). */
  async planFor(signature: string, count: number, meterGroup: number): Promise<EncodePlan> {
    const held = (await this.load()).get(signature);
    return { meterGroup: held?.bare.length === count ? held.meterGroup : meterGroup };
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
    if (programSeconds < LEARN_FROM_SECONDS || seconds.length < 2) return;
    const state = await this.load();
    const held = state.get(signature);
    const previous =
      held?.bare.length === seconds.length
        ? held.bare
        : new Array<number | null>(seconds.length).fill(null);
    state.set(signature, learnFrom(previous, plan, seconds, programSeconds));
    const file = this.options.file;
    if (!file) return;
    const snapshot = JSON.stringify({
      version: STATE_VERSION,
      placements: Object.fromEntries(state),
    });
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
