export { CorpusView } from './CorpusView';
