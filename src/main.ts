/**
 * API composition root. `npm start` runs the API and the worker in one process
 * (required with the embedded PGlite database); `--role=api` runs the API alone.
 */
import { createAntenne } from './compose/index.js';
import { createLogger } from './core/logger.js';
import { checkOrExit, closeOnSignals, crash, loadConfigOrExit } from './compose/lifecycle.js';

async function main(): Promise<void> {
  const role = process.argv.includes('--role=api') ? 'api' : 'all';
  const config = loadConfigOrExit();
  const logger = createLogger({ level: config.logLevel, pretty: config.logPretty });
  await checkOrExit(config, 'Antenne', role === 'all');

  const antenne = await createAntenne(config, logger);
  const port = await antenne.listen();
  if (role === 'all') await antenne.startWorker();
  logger.info(
    { port, publicUrl: config.publicUrl, role, database: antenne.db.engine },
    'Antenne is listening',
  );
  closeOnSignals(logger, () => antenne.close());
}

main().catch(crash('Antenne'));
