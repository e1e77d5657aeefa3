/**
 * Galata in Debian's Chromium (Playwright cannot download a browser here).
 */
const baseConfig = require('@jupyterlab/galata/lib/playwright-config');

// Two servers: with collaboration on PORT, without it on PORT + 1 (FORGELAB_GALATA_PORT moves
// both, so that two checkouts can run galata side by side).
const port = Number(process.env.FORGELAB_GALATA_PORT || 8888);

module.exports = {
  ...baseConfig,
  timeout: 120000,
  reporter: [['list'], ['html', { open: 'never' }]],
  use: {
    ...baseConfig.use,
    baseURL: `http://localhost:${port}`,
    // Recording video needs Playwright's own ffmpeg, which cannot be downloaded here.
    video: 'off',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic']
    }
  },
  projects: [
    {
      name: 'jupyterlab',
      testIgnore: /no-collaboration\.spec\.ts$/
    },
    {
      // The editors without jupyter-collaboration: a second server that lacks it.
      name: 'no-collaboration',
      testMatch: /no-collaboration\.spec\.ts$/,
      use: { baseURL: `http://localhost:${port + 1}` }
    }
  ],
  webServer: [
    {
      command: 'jlpm start',
      url: `http://localhost:${port}/lab`,
      timeout: 120000,
      reuseExistingServer: !process.env.CI
    },
    {
      command: 'jlpm start:nocollab',
      url: `http://localhost:${port + 1}/lab`,
      timeout: 120000,
      reuseExistingServer: !process.env.CI
    }
  ]
};
