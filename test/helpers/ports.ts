export { freePort } from '../../bench/support/ports.js';
