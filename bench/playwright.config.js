/**
 * Playwright configuration of the browser benchmarks: the galata setup of ui-tests/, run on
 * the specs of this folder. Run from ui-tests/ so that galata resolves:
 *   cd ui-tests && NODE_PATH=$PWD/node_modules jlpm playwright test -c ../bench/playwright.config.js
 */
const path = require('path');
const base = require('../ui-tests/playwright.config.js');
const cwd = path.join(__dirname, '..', 'ui-tests');

module.exports = {
  ...base,
  testDir: __dirname,
  testMatch: /.*\.spec\.ts$/,
  outputDir: path.join(__dirname, '..', 'ui-tests', 'test-results', 'bench'),
  reporter: [['list']],
  // With and without jupyter-collaboration: the two servers of the galata suite.
  projects: [
    { name: 'collaboration' },
    {
      name: 'no-collaboration',
      use: {
        baseURL: `http://localhost:${Number(process.env.FORGELAB_GALATA_PORT || 8888) + 1}`
      }
    }
  ],
  webServer: [].concat(base.webServer).map(server => ({ ...server, cwd }))
};
