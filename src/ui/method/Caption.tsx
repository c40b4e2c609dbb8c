/** The one-line "what am I looking at" above a view, with a link to its section of the method page. */
import type { ReactNode } from 'react';
import { openMethod, type MethodSection } from './methodStore';
import './method.css';

export function Caption({ view, section, children }: { view: string; section: MethodSection; children: ReactNode }) {
  return (
    <p className="view-caption" data-testid={`caption-${view}`}>
      {children}
      <button
        type="button"
        className="method-link"
        data-testid={`method-link-${view}`}
        onClick={() => openMethod(section)}
        title="How is this computed? Opens the method page"
      >
        How?
      </button>
    </p>
  );
}
