/**
 * Worker composition root: a process that only processes audio. It needs a
 * PostgreSQL server (DATABASE_URL): the embedded PGlite lives inside one process,
 * so with it the worker runs inside `npm start` instead.
 */
import { createAntenne } from '../src/compose/index.js';
import { createLogger } from '../src/core/logger.js';
import {
  checkOrExit,
  closeOnSignals,
  crash,
  exitWithConfigProblem,
  loadConfigOrExit,
} from '../src/compose/lifecycle.js';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  if (!config.databaseUrl) {
    exitWithConfigProblem(
      'A separate worker process needs a PostgreSQL server: set DATABASE_URL (e.g. postgres://user@host/antenne).\n' +
        'With the embedded database, run `npm start`, which runs the API and the worker in one process.',
    );
  }
  const logger = createLogger({ level: config.logLevel, pretty: config.logPretty }).child({
    role: 'worker',
  });
  await checkOrExit(config, 'The worker', true);
  const antenne = await createAntenne(config, logger);
  await antenne.startWorker();
  logger.info({ concurrency: config.workerConcurrency }, 'worker started');
  closeOnSignals(logger, () => antenne.close());
}

main().catch(crash('The worker'));
