/** Server-rendered markup of the head gallery (Node, no DOM; the canvas is drawn in an effect). */
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { HeadGallery } from './HeadGallery';

const selection = {
  layers: [1],
  heads: {
    local: [[1, 0]] as [number, number][],
    global: [[1, 1]] as [number, number][],
    span: [
      [1, 0, 2.5],
      [1, 1, 40],
    ] as [number, number, number][],
  },
};

describe('HeadGallery markup', () => {
  const html = renderToStaticMarkup(
    <HeadGallery
      numLayers={2}
      numHeads={2}
      thumbnails={new Map()}
      selection={selection}
      spans={new Map([[0, [7, 8]]])}
      selected={{ layer: 1, head: 1 }}
    />,
  );
  it('one labelled, focusable cell per head with exactly one tab stop', () => {
    expect(html).toContain('data-testid="head-gallery"');
    expect(html.match(/role="gridcell"/g)).toHaveLength(4);
    // One tab stop in the grid (the legend's glossary terms are focusable on their own).
    expect(html.match(/<button[^>]*tabindex="0"/g)).toHaveLength(1);
    expect(html).toContain('aria-label="Layer 1, head 0: local head, span d 2.50"');
    expect(html).toContain('aria-label="Layer 0, head 1: neither head, span d 8.00"');
    expect(html).toMatch(/aria-label="Layer 1, head 1: global head, span d 40.0" aria-pressed="true"/);
  });
  it('highlights the selected layer and counts classes', () => {
    expect(html.match(/gallery-row-selected/g)).toHaveLength(1);
    expect(html).toMatch(/local<span role="tooltip"[^>]*>[^<]*<\/span><\/span> <span class="gallery-count">1<\/span>/);
    expect(html).toMatch(
      /neither<span role="tooltip"[^>]*>[^<]*<\/span><\/span> <span class="gallery-count">2<\/span>/,
    );
  });
});

describe('HeadGallery at 28 layers × 16 heads with 8 KV heads', () => {
  const big = {
    layers: [9, 11, 13, 16, 18],
    heads: {
      local: [[9, 0]] as [number, number][],
      global: [[18, 3]] as [number, number][],
      span: [[9, 0, 1.2]] as [number, number, number][],
      receiver: [[13, 5]] as [number, number][],
    },
  };
  it('shows one page of 8 layers (128 cells), page buttons, kv groups of 2 and the receiver badge', () => {
    const html = renderToStaticMarkup(
      <HeadGallery
        numLayers={28}
        numHeads={16}
        numKvHeads={8}
        thumbnails={new Map()}
        selection={big}
        selected={{ layer: 13, head: 5 }}
      />,
    );
    expect(html.match(/role="gridcell"/g)).toHaveLength(8 * 16);
    expect(html.match(/data-testid="gallery-page"/g)).toHaveLength(4);
    expect(html).toMatch(/aria-pressed="true"[^>]*>8–15/);
    expect(html.match(/data-testid="gallery-kv-group"/g)).toHaveLength(8);
    expect(html).toContain('aria-label="Layer 13, head 5: neither head, receiver, span d –"');
    expect(html).toContain('head-badge-receiver');
    expect(html).toContain('8 KV heads · 2 query heads each');
  });
  it('small models: no pages, no kv row', () => {
    const html = renderToStaticMarkup(
      <HeadGallery numLayers={2} numHeads={2} thumbnails={new Map()} selection={selection} />,
    );
    expect(html).not.toContain('gallery-pages');
    expect(html).not.toContain('gallery-kv-group');
  });
});
