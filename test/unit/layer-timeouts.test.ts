/** Each layer's tests run with that layer's timeout; explicit ones are kept. */
import assert from 'node:assert/strict';
import Mocha from 'mocha';
import { applyLayerTimeouts, LAYER_TIMEOUTS_MS, layerOf } from '../helpers/layer-timeouts.js';

describe('per-layer timeouts', () => {
  it('gives a unit test the unit timeout', function () {
    assert.equal(this.timeout(), LAYER_TIMEOUTS_MS.unit);
  });

  it('keeps a timeout given explicitly', function () {
    assert.equal(this.timeout(), 1_234);
  }).timeout(1_234);

  describe('a suite with its own timeout', function () {
    this.timeout(7_000);
    before(function () {
      assert.equal(this.timeout(), 7_000);
    });
    it('passes it to its tests and hooks', function () {
      assert.equal(this.timeout(), 7_000);
    });
  });

  it('reads the layer from where the file lives', () => {
    assert.equal(layerOf('/work/antenne/test/unit/config.test.ts'), 'unit');
    assert.equal(layerOf('test/integration/repositories.test.ts'), 'integration');
    assert.equal(layerOf('/srv/test/e2e/feeds.test.ts'), 'e2e');
    assert.equal(layerOf('/srv/test/e2e-browser/studio-browser.test.ts'), 'e2e-browser');
    assert.equal(layerOf('/srv/test/helpers/app.ts'), null);
    assert.equal(layerOf(undefined), null);
  });

  it('sets tests and hooks of each file from its layer, and top-level hooks from the longest', () => {
    const root = new Mocha.Suite('', new Mocha.Context());
    const e2e = Mocha.Suite.create(root, 'an e2e file');
    e2e.file = '/srv/test/e2e/feeds.test.ts';
    const slow = Mocha.Suite.create(e2e, 'a slow part');
    slow.timeout(120_000);
    const integration = Mocha.Suite.create(root, 'an integration file');
    integration.file = '/srv/test/integration/repositories.test.ts';
    const e2eTest = new Mocha.Test('e2e', () => {});
    e2e.addTest(e2eTest);
    const slowTest = new Mocha.Test('slow', () => {});
    slow.addTest(slowTest);
    const integrationTest = new Mocha.Test('integration', () => {});
    integration.addTest(integrationTest);
    integration.beforeAll(() => {});
    root.beforeAll(() => {});

    applyLayerTimeouts(root);

    assert.equal(e2eTest.timeout(), LAYER_TIMEOUTS_MS.e2e);
    assert.equal(slowTest.timeout(), 120_000);
    assert.equal(integrationTest.timeout(), LAYER_TIMEOUTS_MS.integration);
    const beforeAllOf = (suite: Mocha.Suite) =>
      (suite as unknown as { _beforeAll: Mocha.Hook[] })._beforeAll[0]!.timeout();
    assert.equal(beforeAllOf(integration), LAYER_TIMEOUTS_MS.integration);
    assert.equal(beforeAllOf(root), LAYER_TIMEOUTS_MS.e2e);
  });

  it('leaves everything alone when --timeout is given', () => {
    const root = new Mocha.Suite('', new Mocha.Context());
    root.timeout(0);
    const unit = Mocha.Suite.create(root, 'a unit file');
    unit.file = '/srv/test/unit/config.test.ts';
    const test = new Mocha.Test('debugged', () => {});
    unit.addTest(test);
    applyLayerTimeouts(root);
    assert.equal(test.timeout(), 0);
  });
});
