// Tests run on the compiled output (`tsc -b`), so what is tested is what is shipped.
export default {
  files: ['packages/*/dist/**/*.test.js', 'test/dist/**/*.test.js', 'examples/*/dist/**/*.test.js'],
  timeout: '2m',
  concurrency: 2,
  workerThreads: false,
}
