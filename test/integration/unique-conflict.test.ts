/**
 * Two requests racing past an "is it free?" check meet the database's unique
 * constraint: the answer is a 409 problem on both engines, never a 500.
 */
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { sql } from 'kysely';
import { createLogger } from '../../src/core/logger.js';
import { problemHandler } from '../../src/http/middleware/problem.js';
import { ENGINES, openTestDb } from '../helpers/databases.js';

for (const engine of ENGINES) {
  describe(`a unique-constraint race answers 409 (${engine})`, () => {
    it('turns the engine’s unique violation into a conflict problem', async () => {
      const { handle, dispose } = await openTestDb(engine);
      const app = express();
      app.post('/secret', async () => {
        // The same name twice: what two simultaneous creations would do.
        for (let i = 0; i < 2; i++) {
          await sql`insert into server_secrets (name, value) values ('race', 'x')`.execute(
            handle.db,
          );
        }
      });
      app.use(problemHandler(createLogger({ level: 'silent', pretty: false })));
      const server = app.listen(0, '127.0.0.1');
      await new Promise((r) => server.once('listening', r));
      try {
        const { port } = server.address() as AddressInfo;
        const res = await fetch(`http://127.0.0.1:${port}/secret`, { method: 'POST' });
        assert.equal(res.status, 409);
        assert.equal(res.headers.get('content-type'), 'application/problem+json; charset=utf-8');
        const problem = (await res.json()) as { title: string; detail: string };
        assert.equal(problem.title, 'Already exists');
      } finally {
        server.close();
        await dispose();
      }
    });
  });
}
