/** nginx for tests: the benches' helper (bench/support/nginx.ts), and a free port to give it. */
export { NGINX, shippedServers, startNginx } from '../../bench/support/nginx.js';
export { freePort } from './ports.js';
