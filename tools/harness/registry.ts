/** Types of the dev harness's view registries (views-a.tsx, views-b.tsx). */
import type { ReactNode } from 'react';
import type { UiFixture } from './fixture';

export interface HarnessView {
  /** One line shown above the view. */
  title: string;
  render: (fixture: UiFixture) => ReactNode;
}

/** name (the ?view= value) → view. */
export type ViewRegistry = Record<string, HarnessView>;
