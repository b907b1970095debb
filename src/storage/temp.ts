import fs from 'node:fs/promises';
import path from 'node:path';

/**
 * Runs `fn` in a fresh directory under `parent` and removes it afterwards,
 * whatever happens. The name carries our pid so that a later boot can tell a
 * crashed run's leftovers from a live process's work (see sweepOrphans).
 */
export async function withTempDir<T>(
  parent: string,
  prefix: string,
  fn: (dir: string) => Promise<T>,
): Promise<T> {
  await fs.mkdir(parent, { recursive: true });
  const dir = await fs.mkdtemp(path.join(parent, `${prefix}-${process.pid}-`));
  try {
    return await fn(dir);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** A temp entry name as made here: `<prefix>-<pid>-<random>`. */
export function ownerPid(name: string): number | null {
  const match = /-(\d+)-[^-]*$/.exec(name);
  return match ? Number(match[1]) : null;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes what a killed process left in `dir` (a SIGKILL skips every `finally`):
 * entries whose owner pid is gone. Called at boot. Returns how many it removed.
 */
export async function sweepOrphans(dir: string): Promise<number> {
  let entries: string[];
  try {
    entries = await fs.readdir(dir);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of entries) {
    const pid = ownerPid(name);
    if (pid !== null && pid !== process.pid && isAlive(pid)) continue;
    if (pid === process.pid) continue;
    await fs.rm(path.join(dir, name), { recursive: true, force: true });
    removed++;
  }
  return removed;
}
