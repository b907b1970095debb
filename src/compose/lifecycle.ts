/** What both entry processes (API and worker) do the same way at start and stop. */
import { ConfigError, loadConfig, type Config } from '../core/config.js';
import type { Logger } from '../core/logger.js';
import { startupProblems } from './startup-checks.js';

/** Exit codes from sysexits.h, so supervisors can tell bad config from a missing service. */
const EX_UNAVAILABLE = 69;
const EX_CONFIG = 78;

export function loadConfigOrExit(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(EX_CONFIG);
    }
    throw error;
  }
}

export function exitWithConfigProblem(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(EX_CONFIG);
}

export async function checkOrExit(config: Config, what: string, withMedia: boolean): Promise<void> {
  const problems = await startupProblems(config, { withMedia });
  if (problems.length) {
    process.stderr.write(`${what} cannot start:\n${problems.map((p) => `  - ${p}`).join('\n')}\n`);
    process.exit(EX_UNAVAILABLE);
  }
}

/** SIGTERM/SIGINT → `close()` once, then exit 0 (or 1 if closing failed). */
export function closeOnSignals(logger: Logger, close: () => Promise<void>): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

export function crash(what: string) {
  return (error: unknown) => {
    const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.stderr.write(`${what} failed to start: ${text}\n`);
    process.exit(1);
  };
}
