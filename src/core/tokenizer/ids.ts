/**
 * A stand-in tokenizer for a model folder without tokenizer files: it cannot encode text, and names each
 * token by its id ("#305"). Enough for work that starts from token ids (`rhythmscope forward --ids`).
 */
import { TokenizerError, type Tokenizer } from './types';

export class IdTokenizer implements Tokenizer {
  readonly kind = 'ids' as const;
  constructor(readonly vocabSize: number) {}

  encode(): number[] {
    throw new TokenizerError('this model folder has no tokenizer, so text cannot be encoded; give token ids instead');
  }

  encodePrompt(): number[] {
    return this.encode();
  }

  decode(ids: number[]): string {
    return ids.map((id) => this.tokenString(id)).join(' ');
  }

  tokenString(id: number): string {
    return `#${id}`;
  }
}
