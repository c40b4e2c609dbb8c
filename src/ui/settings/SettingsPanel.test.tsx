import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { DEFAULT_OPTIONS } from '../../core/rhythm/options';
import { optionFields } from './schema';
import { SettingsPanel } from './SettingsPanel';

describe('SettingsPanel markup', () => {
  it('has one input per engine option, with defaults, help and map badges', () => {
    const html = renderToStaticMarkup(<SettingsPanel value={{}} onChange={() => {}} />);
    expect(html).toContain('data-testid="settings-panel"');
    for (const f of optionFields()) expect(html).toContain(`data-option="${f.key}"`);
    expect(html.match(/data-option="/g)).toHaveLength(Object.keys(DEFAULT_OPTIONS).length + 1);
    expect(html.match(/st-badge is-maps/g)).toHaveLength(4);
    expect(html).toContain('value="middle-third"');
    expect(html).not.toContain('Fix the marked fields'); // no error state for the defaults
    expect(html).not.toContain('role="alert"');
  });

  it('shows the engine message inline and the needs-maps note for a bad / map-changing value', () => {
    const bad = renderToStaticMarkup(<SettingsPanel value={{ W: 0 } as never} onChange={() => {}} />);
    expect(bad).toContain('option W must be ≥ 1 (finite) (got 0)');
    expect(bad).toContain('aria-invalid="true"');
    const maps = renderToStaticMarkup(<SettingsPanel value={{ W: 20 }} analyzed={{}} onChange={() => {}} />);
    expect(maps).toContain('Changed W: needs the attention maps again');
    const instant = renderToStaticMarkup(<SettingsPanel value={{ q: 0.3 }} analyzed={{}} onChange={() => {}} />);
    expect(instant).toContain('Changed q: recomputed instantly');
  });
});
