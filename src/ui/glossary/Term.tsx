/**
 * A metric name with its glossary definition on hover and keyboard focus: a small tooltip (role="tooltip",
 * linked by aria-describedby, so screen readers read it too). In SVG use termTitle as a <title> instead.
 */
import { useId, type ReactNode } from 'react';
import { GLOSSARY, type TermId } from './glossary';
import './glossary.css';

export function Term({ id, children }: { id: TermId; children?: ReactNode }) {
  const tipId = `term-${useId().replace(/[^a-zA-Z0-9_-]/g, '')}`;
  return (
    <span className="term" tabIndex={0} aria-describedby={tipId} data-term={id}>
      {children ?? id}
      <span role="tooltip" id={tipId} className="term-tip">
        {GLOSSARY[id]}
      </span>
    </span>
  );
}
