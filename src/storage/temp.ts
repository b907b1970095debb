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
 * Processes still working in one of `dirs`: their working directory or one of
 * their arguments is inside it. A worker killed with SIGKILL leaves its ffmpeg
 * runs behind, encoding into its temp dir for nobody. One pass over /proc for all
 * the dirs (Linux; elsewhere none are found).
 */
async function processesWorkingIn(dirs: readonly string[]): Promise<number[]> {
  let entries: string[];
  try {
    entries = await fs.readdir('/proc');
  } catch {
    return [];
  }
  // /proc shows resolved absolute paths.
  const roots = await Promise.all(
    dirs.map((dir) => fs.realpath(dir).catch(() => path.resolve(dir))),
  );
  const inside = (p: string) => roots.some((r) => p === r || p.startsWith(`${r}${path.sep}`));
  const found: number[] = [];
  for (const name of entries) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    const [cwd, cmdline] = await Promise.all([
      fs.readlink(`/proc/${name}/cwd`).catch(() => ''),
      fs.readFile(`/proc/${name}/cmdline`, 'utf8').catch(() => ''),
    ]);
    if (inside(cwd) || cmdline.split('\0').some(inside)) found.push(Number(name));
  }
  return found;
}

/**
 * Removes what a killed process left in `dir` (a SIGKILL skips every `finally`):
 * entries whose owner pid is gone, after stopping the processes it left running
 * in them. Called at boot. Returns how many entries it removed.
 */
export async function sweepOrphans(dir: string): Promise<number> {
  let entries: string[];
  try {
    entries = await fs.readdir(dir);
  } catch {
    return 0;
  }
  const orphaned = entries
    .filter((name) => {
      const pid = ownerPid(name);
      return pid !== process.pid && (pid === null || !isAlive(pid));
    })
    .map((name) => path.join(dir, name));
  if (!orphaned.length) return 0;
  for (const pid of await processesWorkingIn(orphaned)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Gone meanwhile, or not ours to stop.
    }
  }
  for (const entry of orphaned) await fs.rm(entry, { recursive: true, force: true });
  return orphaned.length;
}
