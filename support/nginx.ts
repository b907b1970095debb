/**
 * A real nginx (Debian's) for tests and benches: started in the foreground as this
 * user, with a generated configuration and every temp path in `dir`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const NGINX = '/usr/sbin/nginx';

async function waitForPort(port: number, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 100; i += 1) {
    if (child.exitCode !== null) throw new Error(`nginx exited with ${child.exitCode}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.end();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nginx does not listen on ${port}`);
}

/** Starts nginx with `servers` (server and upstream blocks) in its http block; resolves once `port` listens. */
export async function startNginx(options: {
  dir: string;
  name: string;
  port: number;
  workers: string;
  servers: string;
}): Promise<ChildProcess> {
  const { dir, name } = options;
  const conf = path.join(dir, `nginx-${name}.conf`);
  await fs.writeFile(
    conf,
    // Temp folders are private to this user: nginx's workers run as the same user.
    `daemon off;
user ${os.userInfo().username};
worker_processes ${options.workers};
pid ${dir}/nginx-${name}.pid;
error_log ${dir}/nginx-${name}-error.log warn;
events { worker_connections 1024; }
http {
  include /etc/nginx/mime.types;
  access_log off;
  sendfile on;
  tcp_nopush on;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
${options.servers}
}
`,
  );
  const child = spawn(NGINX, ['-c', conf, '-p', dir], { stdio: ['ignore', 'ignore', 'inherit'] });
  await waitForPort(options.port, child);
  return child;
}

/**
 * deploy/nginx.conf's upstream and server blocks, on this machine's ports and media folder,
 * with its feed cache in `cacheDir` (default: beside `mediaRoot`, i.e. in the app's DATA_DIR).
 */
export async function shippedServers(options: {
  appPort: number;
  port: number;
  mediaRoot: string;
  cacheDir?: string;
}): Promise<string> {
  const shipped = await fs.readFile(path.join(import.meta.dirname, '../deploy/nginx.conf'), 'utf8');
  const cacheDir = options.cacheDir ?? path.join(options.mediaRoot, '..', 'nginx-feed-cache');
  const adapted = shipped
    .replace(
      /(upstream antenne_api \{)[\s\S]*?(keepalive)/,
      `$1\n    server 127.0.0.1:${options.appPort};\n    $2`,
    )
    .replace('listen 8080;', `listen 127.0.0.1:${options.port};`)
    .replace('alias /srv/antenne/media/;', `alias ${options.mediaRoot}/;`)
    .replace('proxy_cache_path /var/cache/nginx/antenne-feeds ', `proxy_cache_path ${cacheDir} `);
  for (const part of [
    `alias ${options.mediaRoot}/;`,
    `server 127.0.0.1:${options.appPort};`,
    `proxy_cache_path ${cacheDir} `,
  ]) {
    if (!adapted.includes(part)) throw new Error(`deploy/nginx.conf no longer has "${part}"`);
  }
  return adapted;
}
