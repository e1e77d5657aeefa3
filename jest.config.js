const jestJupyterLab = require('@jupyterlab/testing/lib/jest-config');

// d3 7.9 and its parts ship ES modules (.mjs): babel must transform them too.
const esModules = [
  '@codemirror',
  '@jupyter/ydoc',
  '@jupyterlab/',
  'lib0',
  'nanoid',
  'vscode-ws-jsonrpc',
  'y-protocols',
  'y-websocket',
  'yjs',
  'd3',
  'd3-[a-z-]+',
  'internmap',
  'delaunator',
  'robust-predicates'
].join('|');

const baseConfig = jestJupyterLab(__dirname);

module.exports = {
  ...baseConfig,
  automock: false,
  collectCoverageFrom: ['src/**/*.{ts,tsx}', '!src/**/*.d.ts', '!src/**/.ipynb_checkpoints/*'],
  coverageReporters: ['lcov', 'text'],
  testRegex: 'src/.*/.*.spec.ts[x]?$',
  transform: { ...baseConfig.transform, '^.+\\.m?jsx?$': 'babel-jest' },
  transformIgnorePatterns: [`/node_modules/(?!${esModules}).+`]
};
