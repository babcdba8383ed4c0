// `cem analyze` reads this: the elements' JSDoc is their documented API.
export default {
  globs: ['src/components/**/*.ts'],
  exclude: ['src/**/*.test.ts', 'src/**/*.styles.ts', 'src/components/**/call-controller.ts'],
  outdir: '.',
  litelement: true,
  packagejson: false,
};
