/**
 * One Antenne for bench:audience, in a process of its own (as in production), so
 * that each server's CPU is its own: no other server's heap, timers or database
 * in it. Publishes one episode holding the file it is given, then tells its
 * parent the episode's /media URL over IPC; on `counting`, switches audience
 * counting on or off (the recorder's pause) and says so; on `finish`, waits for
 * the counting still running, aggregates it, replies with the number of
 * downloads counted, closes and exits.
 *
 * Usage (by bench/audience.ts): node --import tsx bench/audience-server.ts, with
 * BENCH_FILE, BENCH_BYTES, BENCH_DIR and the app's environment.
 */
import { createAntenne } from '../src/compose/index.js';
import { loadConfig } from '../src/core/config.js';
import { createLogger } from '../src/core/logger.js';
import { freePort } from '../support/ports.js';
import { publishFile } from '../support/published-file.js';

export type ServerMessage =
  | { readonly kind: 'ready'; readonly url: string }
  | { readonly kind: 'counting'; readonly on: boolean }
  | { readonly kind: 'finished'; readonly counted: number };

/** What the bench asks: counting on or off for the next measurement, or the end. */
export type BenchMessage =
  { readonly kind: 'counting'; readonly on: boolean } | { readonly kind: 'finish' };

const send = (message: ServerMessage) => process.send!(message);

const config = loadConfig(process.env);
const antenne = await createAntenne(config, createLogger({ level: 'error', pretty: false }));
const port = await antenne.listen(await freePort());
const { url } = await publishFile(antenne, {
  base: `http://127.0.0.1:${port}`,
  token: process.env.EDITOR_TOKENS!,
  file: process.env.BENCH_FILE!,
  bytes: Number(process.env.BENCH_BYTES),
  durationSeconds: 1800,
  dir: process.env.BENCH_DIR!,
});
send({ kind: 'ready', url });

process.on('message', (message: BenchMessage) => {
  if (message.kind === 'counting') {
    // Counting switched in this very process: the same heap, JIT and sockets on both sides.
    antenne.audience!.recorder.paused = !message.on;
    send({ kind: 'counting', on: message.on });
    return;
  }
  if (message.kind !== 'finish') return;
  void (async () => {
    let counted = 0;
    if (antenne.audience) {
      await antenne.audience.recorder.settled();
      counted = await antenne.audience.aggregator.run();
    }
    send({ kind: 'finished', counted });
    await antenne.close();
    process.disconnect();
  })();
});
