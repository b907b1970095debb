import assert from 'node:assert/strict';
import net from 'node:net';
import { storageProblems } from '../../src/storage/check.js';
import { startS3Server, type S3TestServer } from '../../support/s3-server.js';

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('storage startup check', function () {
  let s3: S3TestServer;
  before(async () => {
    s3 = await startS3Server();
  });
  after(() => s3?.stop());

  it('has nothing to say when the bucket answers, or on local disk', async () => {
    assert.deepEqual(await storageProblems(s3.storageConfig()), []);
    assert.deepEqual(await storageProblems({ kind: 'local-disk', root: '/nowhere' }), []);
  });

  it('says the bucket does not exist, naming it and the endpoint', async () => {
    const problems = await storageProblems({ ...s3.storageConfig(), bucket: 'no-such-bucket' });
    assert.deepEqual(problems, [
      `The S3 bucket "no-such-bucket" at ${s3.endpoint} does not exist: create it, or set S3_BUCKET to an existing bucket.`,
    ]);
  });

  it('says the endpoint cannot be reached, and what to check', async () => {
    const endpoint = `http://127.0.0.1:${await closedPort()}`;
    const started = Date.now();
    const problems = await storageProblems({ ...s3.storageConfig(), endpoint });
    assert.equal(problems.length, 1);
    assert.match(
      problems[0]!,
      new RegExp(
        `^Cannot reach the S3 bucket "antenne-test" at ${endpoint} \\(.*ECONNREFUSED.*\\): check AWS_ENDPOINT_URL_S3`,
      ),
    );
    assert.ok(Date.now() - started < 10_000, 'answers quickly');
    assert.ok(!problems[0]!.includes('S3RVER'), 'no credentials in the message');
  });
});
