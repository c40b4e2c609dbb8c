/** Harness views of the second views engineer (token strip, rhythm chart, credit, settings). Stub until then. */
import type { ViewRegistry } from './registry';

export const viewsB: ViewRegistry = {};
