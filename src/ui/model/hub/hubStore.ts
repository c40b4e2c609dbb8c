/**
 * Hub state on the page: the endpoint, what the cache holds, the storage estimate, and the last Hub failure
 * the panel offers a way out of (a token for a gated model, deleting cached models when storage is full).
 * The access token is not here: it lives in a module variable of ./hubActions.ts, in memory only.
 */
import { create } from 'zustand';
import type { Manifest } from '../../../core/hub/cache';
import type { HubErrorKind } from '../../../core/hub/errors';
import { DEFAULT_ENDPOINT } from '../../../core/hub/repo';

export interface StorageFacts {
  usage?: number;
  quota?: number;
  persisted?: boolean;
}

export interface HubProblem {
  kind: HubErrorKind;
  message: string;
  /** The repo id the failure belongs to (a token retries it). */
  refText: string;
  pageUrl?: string;
  neededBytes?: number;
}

export interface HubState {
  endpoint: string;
  cached: Manifest[];
  storage: StorageFacts;
  problem: HubProblem | null;
  /** config.json of the loaded Hub model (the model panel's facts), null for other sources. */
  config: Record<string, unknown> | null;
  /** Whether a token is held (never the token itself). */
  hasToken: boolean;
}

export const ENDPOINT_KEY = 'rhythmscope.hubEndpoint';

export const useHubStore = create<HubState>()(() => ({
  endpoint: DEFAULT_ENDPOINT,
  cached: [],
  storage: {},
  problem: null,
  config: null,
  hasToken: false,
}));
