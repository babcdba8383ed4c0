// `cem analyze` reads this: the elements' JSDoc is their documented API.
export default {
  globs: ['src/components/**/*.ts'],
  exclude: ['src/**/*.test.ts', 'src/**/*.styles.ts', 'src/components/**/call-controller.ts'],
  outdir: '.',
  litelement: true,
  packagejson: false,
  plugins: [
    {
      // The package ships the compiled modules, not src/: editors and Storybook resolve the paths the manifest gives.
      name: 'shipped-paths',
      packageLinkPhase({ customElementsManifest }) {
        const shipped = (/** @type {string} */ path) => path.replace(/^src\/(.*)\.ts$/, 'lib/$1.js');
        for (const mod of customElementsManifest.modules) {
          mod.path = shipped(mod.path);
          for (const exp of mod.exports ?? [])
            if (exp.declaration?.module) exp.declaration.module = shipped(exp.declaration.module);
          for (const decl of mod.declarations ?? [])
            for (const member of [...(decl.members ?? []), ...(decl.attributes ?? []), ...(decl.events ?? [])])
              if (member.inheritedFrom?.module) member.inheritedFrom.module = shipped(member.inheritedFrom.module);
        }
      },
    },
    {
      // Files are found in directory order, which differs between machines; sort so the manifest is reproducible.
      name: 'sort-modules',
      packageLinkPhase({ customElementsManifest }) {
        customElementsManifest.modules.sort((a, b) => a.path.localeCompare(b.path));
      },
    },
  ],
};
