/** Public API of the rhythm engine; see README.md in this folder. */
export * from './options';
export * from './select';
export * from './accumulator';
export * from './metrics';
export * from './receiver';
export * from './credit';
export * from './entropy';
export * from './record';
export * from './analyze';
export * from './writers';
