/** The glossary of metric names and the hover that shows it. */
export { GLOSSARY, define, termOf, type TermId } from './glossary';
export { Term } from './Term';
