/**
 * The folder boundaries of DESIGN.md §2, enforced by `npm run check:deps` (part of `npm test`).
 * test/check-deps.test.ts proves each rule fires on a forbidden import.
 */
const REPO = '^(protocol|geo|server|mock-streams|client|bench|test|scripts)/';
const DB = 'node_modules/(better-sqlite3|pg|ioredis)/';
const FS = '^(node:)?fs(/promises)?$';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', comment: 'No import cycles anywhere.', from: {}, to: { circular: true } },
    {
      name: 'protocol-is-the-contract',
      severity: 'error',
      comment: 'protocol/ imports nothing of the repo, no node: built-ins, no DOM/vue/express/socket.io (its unit tests may use vitest and fast-check).',
      from: { path: '^protocol/', pathNot: '\\.test\\.ts$' },
      to: { pathNot: '^protocol/', dependencyTypesNot: ['npm'] },
    },
    {
      name: 'protocol-only-zod',
      severity: 'error',
      from: { path: '^protocol/', pathNot: '\\.test\\.ts$' },
      to: { dependencyTypes: ['npm'], pathNot: 'node_modules/zod/' },
    },
    {
      name: 'geo-imports-only-protocol',
      severity: 'error',
      from: { path: '^geo/' },
      to: { path: REPO, pathNot: '^(geo|protocol)/' },
    },
    {
      name: 'geo-is-pure',
      severity: 'error',
      comment: 'geo/ runs in the browser too: no node: built-ins outside its generator scripts.',
      from: { path: '^geo/', pathNot: '^geo/(builtin/generate|scripts/)|\\.test\\.ts$' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'mock-streams-imports-protocol-geo',
      severity: 'error',
      from: { path: '^mock-streams/' },
      to: { path: REPO, pathNot: '^(mock-streams|protocol|geo)/' },
    },
    {
      name: 'server-not-client',
      severity: 'error',
      from: { path: '^server/' },
      to: { path: '^(client|bench|test)/' },
    },
    {
      name: 'only-composition-roots-import-mock-streams',
      severity: 'error',
      comment: 'Only server/main.ts, the CLI, bench/ and test/ import mock-streams/.',
      from: { path: '^(server|client|geo|protocol)/', pathNot: '^server/(main\\.ts|cli/)' },
      to: { path: '^mock-streams/' },
    },
    {
      name: 'client-imports-protocol-geo',
      severity: 'error',
      from: { path: '^client/' },
      to: { path: REPO, pathNot: '^(client|protocol|geo)/' },
    },
    {
      name: 'client-never-loads-builtin-district',
      severity: 'error',
      comment: 'The client takes geo data and pure helpers only; the district comes over HTTP.',
      from: { path: '^client/' },
      to: { path: '^geo/(data/|builtin/|import/|district\\.ts)' },
    },
    {
      name: 'core-has-no-io',
      severity: 'error',
      comment: 'server/aggregate and server/alerts import no socket.io, express, database or fs.',
      from: { path: '^server/(aggregate|alerts)/' },
      to: { path: `node_modules/(socket\\.io|express)|${DB}|${FS}` },
    },
    {
      name: 'only-hub-touches-socket-io',
      severity: 'error',
      from: { path: '^server/', pathNot: '^server/hub/' },
      to: { path: 'node_modules/socket\\.io/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'only-store-touches-the-database',
      severity: 'error',
      from: { path: '^server/', pathNot: '^server/store/' },
      to: { path: DB, dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'only-map-feature-imports-map-engines',
      severity: 'error',
      from: { path: '^client/', pathNot: '^client/src/features/map/' },
      to: { path: 'node_modules/(maplibre-gl|@deck\\.gl)/' },
    },
    {
      name: 'only-socket-service-imports-socket-io-client',
      severity: 'error',
      from: { path: '^client/', pathNot: '^client/src/services/socket\\.ts$' },
      to: { path: 'node_modules/socket\\.io-client/' },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|\\.data|coverage)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.vue', '.json', '.d.ts'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    moduleSystems: ['es6', 'cjs'],
    reporterOptions: { text: { highlightFocused: true } },
  },
};
