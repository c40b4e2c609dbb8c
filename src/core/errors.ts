/**
 * Errors caused by what the user gave us (a file, a flag, a prompt), as opposed to bugs.
 * The message always names where the problem is: file, field and/or line. The CLI prints it as one
 * line and exits with status 2; the app shows it in the error banner.
 */
export interface InputErrorWhere {
  file?: string;
  field?: string;
  line?: number;
}

export class InputError extends Error {
  override name = 'InputError';
  readonly where: InputErrorWhere;
  /** The message without the file / field prefix, to re-raise it with more of `where` filled in. */
  readonly reason: string;

  constructor(message: string, where: InputErrorWhere = {}) {
    const parts: string[] = [];
    if (where.file) parts.push(where.line !== undefined ? `${where.file}:${where.line}` : where.file);
    else if (where.line !== undefined) parts.push(`line ${where.line}`);
    if (where.field) parts.push(`field "${where.field}"`);
    super(parts.length ? `${parts.join(', ')}: ${message}` : message);
    this.where = where;
    this.reason = message;
  }
}

export function isInputError(e: unknown): e is InputError {
  return e instanceof Error && e.name === 'InputError';
}
