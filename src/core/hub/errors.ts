/**
 * Hub failures a person can act on. `kind` tells the UI what to offer: a token field and the model page
 * (gated), the missing file (not-found), the CORS hint (network), deleting cached models (quota), a retry that
 * resumes (interrupted, size-changed).
 */
import { InputError } from '../errors';

export type HubErrorKind =
  | 'gated'
  | 'not-found'
  | 'network'
  | 'http'
  | 'quota'
  | 'interrupted'
  | 'size-changed'
  | 'checksum'
  | 'unsupported'
  | 'too-large';

export interface HubErrorDetails {
  /** The model page (gated models). */
  pageUrl?: string;
  /** Bytes a download needs (quota). */
  neededBytes?: number;
  /** Bytes the origin still has room for (quota). */
  availableBytes?: number;
  status?: number;
}

export class HubError extends InputError {
  override name = 'InputError';
  constructor(
    readonly kind: HubErrorKind,
    message: string,
    where: { file?: string; field?: string } = {},
    readonly details: HubErrorDetails = {},
  ) {
    super(message, where);
  }
}

export function isHubError(e: unknown): e is HubError {
  return e instanceof HubError;
}

/** Why a cancelled download stopped: the signal's reason, or an AbortError. */
export function abortReason(signal?: AbortSignal): Error {
  const r = signal?.reason;
  return r instanceof Error ? r : new DOMException('the download was cancelled', 'AbortError');
}
