import * as fs from 'fs';
import * as path from 'path';

/** ForgeLab's REST resources: the first segment of every endpoint under `/forgelab/api/`. */
const RESOURCES = [
  'adapters',
  'artifacts',
  'events',
  'executions',
  'operations',
  'pipelines',
  'provenance',
  'status'
].join('|');

/** What names an endpoint of ForgeLab's server outside `src/services/`. */
const ENDPOINT_PATTERNS: RegExp[] = [
  // The API's base path, written whole or joined from its parts.
  /forgelab\/api/,
  /['"`]forgelab['"`]\s*,\s*['"`]api['"`]/,
  // A string that starts with a resource and goes on to a path or query: `executions/${id}`.
  new RegExp(`['"\`](${RESOURCES})(/|\\?|\\$\\{)`),
  // A request whose endpoint is a bare resource: request<...>('operations').
  new RegExp(`\\brequest\\s*(<[^;]*?>)?\\(\\s*['"\`](${RESOURCES})['"\`]`),
  // HTTP spoken by hand.
  /\bServerConnection\b/,
  /\bmakeRequest\b/,
  /\brequestAPI\b/,
  /\bfetch\s*\(/,
  /\bnew\s+WebSocket\b/
];

const SRC = path.resolve(__dirname, '..');
const SERVICES = path.join(SRC, 'services');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      return entry.name === '__tests__' || full === SERVICES
        ? []
        : sources(full);
    }
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** Every line of `text` that matches one of the patterns, as `file:line: text`. */
function offences(file: string, text: string): string[] {
  return text
    .split('\n')
    .flatMap((line, i) =>
      ENDPOINT_PATTERNS.some(pattern => pattern.test(line))
        ? [`${path.relative(SRC, file)}:${i + 1}: ${line.trim()}`]
        : []
    );
}

describe('the one door to the server', () => {
  it('leaves every REST endpoint of ForgeLab to src/services/', () => {
    const files = sources(SRC);
    expect(files.length).toBeGreaterThan(50);
    const found = files.flatMap(file =>
      offences(file, fs.readFileSync(file, 'utf8'))
    );
    expect(found).toEqual([]);
  });

  it.each([
    ["await server.request<Execution>('executions', {", 'a bare resource'],
    [
      "await this.server.request<{ artifacts: Artifact[] }>('artifacts')",
      'a typed bare resource'
    ],
    ['`executions/${encodeURIComponent(id)}`', 'a resource path'],
    ["'operations/introspect'", 'a sub-resource'],
    ['`operations?path=${path}`', 'a query'],
    ["URLExt.join(base, 'forgelab', 'api', 'events')", 'joined parts'],
    ['(GET /forgelab/api/operations is missing)', 'the base path'],
    ['await ServerConnection.makeRequest(url, init, settings)', 'raw HTTP']
  ])('recognises %s (%s)', line => {
    expect(offences('x.ts', line)).toHaveLength(1);
  });

  it.each([
    "bridge.request('provenance.flush')",
    "this._message.setAttribute('role', 'status')",
    "if (event.kind === 'status') {",
    "| 'provenance';",
    'forgelab.api.executions.get(id)'
  ])('lets kernel requests and plain words through: %s', line => {
    expect(offences('x.ts', line)).toEqual([]);
  });
});
