/**
 * The layering, checked by `npm run deps` (part of `npm run check`). From the bottom:
 *
 *   src/core                                      imports nothing of the project
 *   src/db, src/storage, src/queue, src/media,    import src/core (and their own folder)
 *   src/net
 *   src/feeds                                     imports the layers above (rendering, no use cases)
 *   src/services                                  imports the layers above
 *   src/http                                      imports any of src/ except the composition root
 *   src/compose/**, src/main.ts                   the composition root: may import anything
 *
 * Entry points (workers/, feeds/, embed/, studio/, scripts/) import src/ and are imported
 * by nothing in src/ but the composition root; they do not import one another, save
 * studio/ → embed/ and scripts/ → feeds/check (see their rules). test/ may import anything,
 * bench/ anything but test/; production code never imports test/ nor a devDependency.
 * No cycles anywhere.
 */
const ENTRY_POINTS = '^(workers|feeds|embed|studio|scripts)/';
const PRODUCTION = '^(src|workers|feeds|embed|studio|scripts)/';
const COMPOSITION_ROOT = '^src/(compose/|main[.]ts$)';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A cycle makes the load order matter and the layers meaningless.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'core-imports-nothing',
      severity: 'error',
      comment: 'src/core is the contracts every layer shares: it imports no other project code.',
      from: { path: '^src/core/' },
      to: { path: '^(src|workers|feeds|embed|studio|scripts|bench|test)/', pathNot: '^src/core/' },
    },
    {
      name: 'adapters-import-core-only',
      severity: 'error',
      comment:
        'The database, storage, queue, media and network adapters know src/core and their own folder, not each other ' +
        '(and the metric instruments, a leaf like the logger).',
      from: { path: '^src/(db|storage|queue|media|net)/' },
      to: { path: '^src/', pathNot: ['^src/(core|$1)/', '^src/metrics/registry\\.ts$'] },
    },
    {
      name: 'feeds-below-services',
      severity: 'error',
      comment:
        'src/feeds renders and stores feeds from core types and the adapters; use cases call it.',
      from: { path: '^src/feeds/' },
      to: {
        path: '^src/',
        pathNot: ['^src/(core|db|storage|queue|media|net|feeds)/', '^src/metrics/registry\\.ts$'],
      },
    },
    {
      name: 'services-below-http',
      severity: 'error',
      comment: 'Use cases do not know HTTP, nor the composition root.',
      from: { path: '^src/services/' },
      to: {
        path: '^src/',
        pathNot: [
          '^src/(core|db|storage|queue|media|net|feeds|services)/',
          '^src/metrics/registry\\.ts$',
        ],
      },
    },
    {
      name: 'http-below-composition-root',
      severity: 'error',
      comment: 'Routes receive what they need; only the composition root wires them.',
      from: { path: '^src/http/' },
      to: { path: COMPOSITION_ROOT },
    },
    {
      name: 'src-not-to-entry-points',
      severity: 'error',
      comment:
        'Nothing in src/ imports an entry point, except the composition root that wires them.',
      from: { path: '^src/', pathNot: COMPOSITION_ROOT },
      to: { path: ENTRY_POINTS },
    },
    {
      name: 'composition-root-from-process-mains-only',
      severity: 'error',
      comment:
        'src/compose is started by the process mains (src/main.ts, workers/main.ts), the tests and the benchmarks.',
      from: { pathNot: '^(src/compose/|src/main[.]ts$|workers/main[.]ts$|test/|bench/)' },
      to: { path: COMPOSITION_ROOT },
    },
    {
      name: 'entry-points-apart',
      severity: 'error',
      comment: 'An entry point shares code with another through src/, not by importing it.',
      from: { path: ENTRY_POINTS },
      to: { path: ENTRY_POINTS, pathNot: '^$1/' },
    },
    {
      name: 'production-not-to-test',
      severity: 'error',
      comment: 'Test helpers are not shipped; production code never imports test/.',
      from: { path: PRODUCTION },
      to: { path: '^test/' },
    },
    {
      name: 'bench-not-to-test',
      severity: 'error',
      comment:
        'Benchmarks use src/ and support/ (servers and data that tests and benchmarks both start); ' +
        'test helpers serve the tests only.',
      from: { path: '^bench/' },
      to: { path: '^test/' },
    },
    {
      name: 'production-not-to-dev-dependencies',
      severity: 'error',
      comment: 'devDependencies are pruned from the production image.',
      from: { path: PRODUCTION },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'] },
    },
  ],
  options: {
    // `depcruise .` then sees every folder, whichever exist (folders move between branches).
    exclude: { path: '^(node_modules|dist|data|test-artifacts)/' },
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.cjs', '.mjs', '.json'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
