/** User-facing errors and warnings, shown in the banner until dismissed. */
import { create } from 'zustand';
import { isAbortError } from '../../worker/protocol';

export interface Notice {
  id: number;
  kind: 'error' | 'warning';
  /** What the user was doing, e.g. "Loading model". */
  context: string;
  message: string;
}

interface NoticeState {
  notices: Notice[];
  push(kind: Notice['kind'], context: string, message: string): void;
  dismiss(id: number): void;
  clear(kind?: Notice['kind']): void;
}

let nextId = 1;

export const useNoticeStore = create<NoticeState>()((set) => ({
  notices: [],
  push: (kind, context, message) =>
    set((s) => ({
      notices: [...s.notices.filter((n) => n.message !== message), { id: nextId++, kind, context, message }].slice(-4),
    })),
  dismiss: (id) => set((s) => ({ notices: s.notices.filter((n) => n.id !== id) })),
  clear: (kind) => set((s) => ({ notices: kind ? s.notices.filter((n) => n.kind !== kind) : [] })),
}));

/** Reports a failure to the user; cancellations are not failures. */
export function reportError(context: string, e: unknown): void {
  if (isAbortError(e)) return;
  const message = e instanceof Error ? e.message : String(e);
  useNoticeStore.getState().push('error', context, message || 'unknown error');
  console.error(`${context}:`, e);
}
