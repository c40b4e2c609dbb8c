/** Public interface of the tokenizer module. */
export { TokenizerError, type Tokenizer } from './types';
export { CharTokenizer, CHAR_VOCAB_FILE, describeChar } from './char';
export { BpeTokenizer, TOKENIZER_FILE, TOKENIZER_CONFIG_FILE, decodeBytesForDisplay, type BpeOptions } from './bpe';
export { loadTokenizer, TOKENIZER_FILES, GENERATION_CONFIG_FILE } from './load';
