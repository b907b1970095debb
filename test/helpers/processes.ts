import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';

/** Live processes named `name` whose parent is `parent` (this test process unless told), from Linux /proc. */
export async function childProcessesNamed(name: string, parent = process.pid): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await fs.readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await fs.readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // pid (comm) state ppid …: comm may hold spaces, so split after the last ')'.
    const match = /^\d+ \((.*)\) (\S) (\d+)/.exec(stat);
    if (match && match[1] === name && match[2] !== 'Z' && Number(match[3]) === parent)
      pids.push(Number(entry));
  }
  return pids;
}

/** Resolves once `child` has exited (at once if it already has). */
export function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once('exit', () => resolve()));
}
