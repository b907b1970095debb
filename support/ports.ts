import net from 'node:net';

/** A TCP port free on 127.0.0.1 right now (the OS picks it): for servers that need a number up front. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

/**
 * Runs `start(port)` on a free port, again on another one if the port was taken
 * between the choice and the listen (EADDRINUSE), up to `attempts` times.
 */
export async function withFreePort<T>(
  start: (port: number) => Promise<T>,
  attempts = 5,
): Promise<{ value: T; port: number }> {
  for (let attempt = 1; ; attempt += 1) {
    const port = await freePort();
    try {
      return { value: await start(port), port };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= attempts)
        throw error;
    }
  }
}
