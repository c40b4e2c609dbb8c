/**
 * Reading config.json keys with one clear InputError naming the file and the key: what every family's parser uses.
 */
import { InputError } from '../errors';

export class ConfigReader {
  constructor(
    readonly obj: Record<string, unknown>,
    readonly fileName: string,
  ) {}

  /** Parses the text as a JSON object. */
  static parse(text: string, fileName: string): ConfigReader {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (e) {
      throw new InputError(`not valid JSON (${(e as Error).message})`, { file: fileName });
    }
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
      throw new InputError('expected a JSON object', { file: fileName });
    }
    return new ConfigReader(raw as Record<string, unknown>, fileName);
  }

  fail(field: string, message: string): never {
    throw new InputError(message, { file: this.fileName, field });
  }

  has(key: string): boolean {
    return this.obj[key] !== undefined && this.obj[key] !== null;
  }

  /** A positive integer under `key` or one of its aliases; when several are present they must agree. */
  positiveInt(key: string, aliases: string[] = [], fallback?: number): number {
    const present = [key, ...aliases].filter((k) => this.has(k));
    if (present.length === 0) {
      if (fallback !== undefined) return fallback;
      const alt = aliases.length ? ` (or ${aliases.join(' / ')})` : '';
      return this.fail(key, `missing required key${alt}`);
    }
    for (const k of present) {
      const v = this.obj[k];
      if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0)
        this.fail(k, `must be a positive integer, got ${JSON.stringify(v)}`);
    }
    const first = this.obj[present[0]] as number;
    for (const k of present.slice(1)) {
      if (this.obj[k] !== first) this.fail(k, `${k} = ${this.obj[k]} disagrees with ${present[0]} = ${first}`);
    }
    return first;
  }

  positiveNumber(key: string, fallback: number, obj: Record<string, unknown> = this.obj, field = key): number {
    const v = obj[key] ?? fallback;
    if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v))
      this.fail(field, `must be a positive number, got ${JSON.stringify(v)}`);
    return v;
  }

  bool(key: string, fallback: boolean): boolean {
    const v = this.obj[key] ?? fallback;
    if (typeof v !== 'boolean') this.fail(key, `must be true or false, got ${JSON.stringify(v)}`);
    return v;
  }

  /** A token id, or the first of a list of them (Llama 3.1 lists several end ids). */
  optionalTokenId(key: string): number | undefined {
    const raw = this.obj[key];
    if (raw === undefined || raw === null) return undefined;
    const v = Array.isArray(raw) ? raw[0] : raw;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
      return this.fail(key, `must be a non-negative integer (or a list of them), got ${JSON.stringify(raw)}`);
    }
    return v;
  }
}
