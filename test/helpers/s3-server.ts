export { startS3Server, type S3TestServer } from '../../bench/support/s3-server.js';
