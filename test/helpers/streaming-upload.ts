/**
 * Streams large request bodies with Node's fetch (`duplex: 'half'`, a ReadableStream
 * body, so no Content-Length) and prints what each attempt got, as JSON. It runs in
 * its own process: a client sharing the server's event loop never sees the TCP
 * reset a server causes by closing under unread data, so it could not fail.
 *
 *   node --import tsx test/helpers/streaming-upload.ts <url> <times> <bytes> [headers-json]
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** One attempt: `<status> <problem type>` when an answer was read, else the error code. */
export type Outcome = string;

export async function streamUploads(options: {
  url: string;
  times: number;
  bytes: number;
  headers?: Record<string, string>;
}): Promise<Outcome[]> {
  const args = [
    '--import',
    'tsx',
    fileURLToPath(import.meta.url),
    options.url,
    String(options.times),
    String(options.bytes),
    JSON.stringify(options.headers ?? {}),
  ];
  const stdout = await new Promise<string>((resolve, reject) =>
    execFile(process.execPath, args, { maxBuffer: 1024 * 1024 }, (error, out, err) =>
      error ? reject(new Error(`${error.message}\n${err}`)) : resolve(out),
    ),
  );
  return JSON.parse(stdout) as Outcome[];
}

function zeros(bytes: number): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent >= bytes) return controller.close();
      const chunk = new Uint8Array(Math.min(64 * 1024, bytes - sent));
      sent += chunk.length;
      controller.enqueue(chunk);
    },
  });
}

async function main(): Promise<void> {
  const [url, times, bytes, headers] = process.argv.slice(2);
  const outcomes: Outcome[] = [];
  for (let i = 0; i < Number(times); i++) {
    try {
      const res = await fetch(url!, {
        method: 'POST',
        headers: JSON.parse(headers ?? '{}') as Record<string, string>,
        body: zeros(Number(bytes)),
        duplex: 'half',
      } as RequestInit);
      const problem = (await res.json()) as { type?: string };
      outcomes.push(`${res.status} ${problem.type}`);
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause;
      outcomes.push(cause?.code ?? String(error));
    }
  }
  process.stdout.write(JSON.stringify(outcomes));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
