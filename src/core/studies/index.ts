/** Public API of the studies (method.md §6 in docs/studies.md): linkage table, perturbation test, corpus summary. */
export * from './linkage';
export * from './linkage-study';
export * from './perturb';
export * from './perturb-run';
export * from './continue';
export * from './corpus';
export * from './perturb-study';
