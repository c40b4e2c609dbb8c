/** Harness views of the attention heatmap, head gallery and figure export (fixture + synthetic big models). */
import { useEffect, useMemo, useState } from 'react';
import { AttentionHeatmap } from '../../src/ui/attention/AttentionHeatmap';
import { AttentionView } from '../../src/ui/attention/AttentionView';
import { meanMaps } from '../../src/ui/attention/raster';
import { heatmapToSvg } from '../../src/ui/figures/heatmap-svg';
import { HeadGallery } from '../../src/ui/gallery/HeadGallery';
import type { UiFixture } from './fixture';
import type { ViewRegistry } from './registry';
import { syntheticMap, syntheticModel } from './synthetic';

function mapOf(f: UiFixture, [l, h]: [number, number]): Float32Array {
  const m = f.maps.get(`${l}:${h}`);
  if (!m) throw new Error(`fixture has no map for layer ${l} head ${h}`);
  return m;
}

function LinkedHeatmap({
  map,
  tokens,
  promptLength,
  title,
  subtitle,
}: {
  map: Float32Array;
  tokens: string[];
  promptLength: number;
  title: string;
  subtitle?: string;
}) {
  const [selected, setSelected] = useState<number | null>(promptLength + 12 < tokens.length ? promptLength + 12 : null);
  const [hovered, setHovered] = useState<number | null>(null);
  return (
    <div>
      <AttentionHeatmap
        map={map}
        tokens={tokens}
        promptLength={promptLength}
        title={title}
        subtitle={subtitle}
        selectedToken={selected}
        onSelectToken={setSelected}
        onHoverToken={setHovered}
      />
      <p style={{ fontSize: 12, color: 'var(--muted)' }} data-testid="harness-link-state">
        selected {selected ?? '–'} · hovered {hovered ?? '–'}
      </p>
    </div>
  );
}

function GalleryAndMap({ f }: { f: UiFixture }) {
  const first = f.record.heads.local[0];
  const [head, setHead] = useState<{ layer: number; head: number }>({ layer: first[0], head: first[1] });
  const map = f.maps.get(`${head.layer}:${head.head}`);
  return (
    <div style={{ display: 'grid', gap: 12 }}>
      <HeadGallery
        numLayers={f.numLayers}
        numHeads={f.numHeads}
        thumbnails={f.thumbnails}
        selection={f.record}
        spans={f.spans}
        selected={head}
        onSelectHead={(layer, h) => setHead({ layer, head: h })}
      />
      {map ? (
        <LinkedHeatmap
          map={map}
          tokens={f.record.tokens}
          promptLength={f.promptLength}
          title={`Layer ${head.layer} · head ${head.head}`}
        />
      ) : (
        <p>
          No full map kept for layer {head.layer} head {head.head} (only the local and global heads' maps are kept).
        </p>
      )}
    </div>
  );
}

function BigHeatmap({ n }: { n: number }) {
  const map = useMemo(() => syntheticMap(n, 0.45, 11), [n]);
  const tokens = useMemo(() => Array.from({ length: n }, (_, i) => `tok${i}`), [n]);
  return (
    <LinkedHeatmap
      map={map}
      tokens={tokens}
      promptLength={Math.floor(n / 8)}
      title={`Synthetic head, N = ${n}`}
      subtitle="local decay + anchor columns + sink (not model output)"
    />
  );
}

function BigGallery({ layers, heads, kvHeads }: { layers: number; heads: number; kvHeads?: number }) {
  const model = useMemo(() => syntheticModel(layers, heads), [layers, heads]);
  const [sel, setSel] = useState<{ layer: number; head: number } | null>(null);
  return (
    <HeadGallery
      numLayers={layers}
      numHeads={heads}
      numKvHeads={kvHeads}
      thumbnails={model.thumbnails}
      selection={model.selection}
      spans={model.spans}
      selected={sel}
      onSelectHead={(layer, head) => setSel({ layer, head })}
    />
  );
}

/** The exported SVG figure, shown through an <img> (as a file viewer would see it). */
function FigurePreview({ svg }: { svg: string }) {
  const [url, setUrl] = useState<string>();
  useEffect(() => {
    const u = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
    setUrl(u);
    return () => URL.revokeObjectURL(u);
  }, [svg]);
  return (
    <div className="chart-panel" style={{ display: 'inline-block' }}>
      {url && <img src={url} alt="exported SVG figure" data-testid="figure-preview" />}
    </div>
  );
}

const XSS_TOKENS = [
  '<|user|>',
  ' Solve',
  ' 3',
  '+',
  '4',
  '\n',
  '<img src=x onerror=alert(1)>',
  ' =',
  ' 7',
  '&amp;',
  ' done',
  '<eos>',
];

function SmallHeatmap() {
  const map = useMemo(() => syntheticMap(XSS_TOKENS.length, 0.5, 5), []);
  return (
    <LinkedHeatmap
      map={map}
      tokens={XSS_TOKENS}
      promptLength={6}
      title="12 tokens with markup-like text"
      subtitle="token labels are text, never HTML"
    />
  );
}

function PickerView({ f }: { f: UiFixture }) {
  const [selected, setSelected] = useState<number | null>(null);
  return (
    <AttentionView
      heads={f.record.heads}
      maps={f.maps}
      tokens={f.record.tokens}
      promptLength={f.promptLength}
      subtitle={f.model}
      selectedToken={selected}
      onSelectToken={setSelected}
    />
  );
}

export const viewsA: ViewRegistry = {
  'attention-view': {
    title: 'AttentionView: map picker (mean of local / global heads, each kept head) around the heatmap',
    render: (f) => <PickerView f={f} />,
  },
  'attention-small': {
    title: 'AttentionHeatmap with token labels, including <img src=x onerror=alert(1)> as a token',
    render: () => <SmallHeatmap />,
  },
  'attention-head': {
    title: 'AttentionHeatmap: one head of the fixture (first local head), click a row to select its token',
    render: (f) => {
      const h = f.record.heads.local[0];
      return (
        <LinkedHeatmap
          map={mapOf(f, h)}
          tokens={f.record.tokens}
          promptLength={f.promptLength}
          title={`Layer ${h[0]} · head ${h[1]}`}
          subtitle={`local head · ${f.model}`}
        />
      );
    },
  },
  'attention-local-mean': {
    title: 'AttentionHeatmap: mean of the local heads (Ā_loc)',
    render: (f) => (
      <LinkedHeatmap
        map={meanMaps(
          f.record.heads.local.map((h) => mapOf(f, h)),
          f.seqLen,
        )}
        tokens={f.record.tokens}
        promptLength={f.promptLength}
        title={`Mean of ${f.record.heads.local.length} local heads`}
        subtitle={f.record.heads.local.map(([l, h]) => `L${l}H${h}`).join(', ')}
      />
    ),
  },
  'attention-global-mean': {
    title: 'AttentionHeatmap: mean of the global heads (Ā_glob)',
    render: (f) => (
      <LinkedHeatmap
        map={meanMaps(
          f.record.heads.global.map((h) => mapOf(f, h)),
          f.seqLen,
        )}
        tokens={f.record.tokens}
        promptLength={f.promptLength}
        title={`Mean of ${f.record.heads.global.length} global heads`}
        subtitle={f.record.heads.global.map(([l, h]) => `L${l}H${h}`).join(', ')}
      />
    ),
  },
  'attention-1024': { title: 'AttentionHeatmap at N = 1024 (synthetic)', render: () => <BigHeatmap n={1024} /> },
  'attention-2048': { title: 'AttentionHeatmap at N = 2048 (synthetic)', render: () => <BigHeatmap n={2048} /> },
  gallery: {
    title: 'HeadGallery of the fixture model',
    render: (f) => (
      <HeadGallery
        numLayers={f.numLayers}
        numHeads={f.numHeads}
        thumbnails={f.thumbnails}
        selection={f.record}
        spans={f.spans}
        selected={{ layer: f.record.heads.local[0][0], head: f.record.heads.local[0][1] }}
      />
    ),
  },
  'gallery-28x16-gqa': {
    title: 'HeadGallery: 28 layers × 16 heads, 8 KV heads (synthetic, Qwen3-0.6B shape)',
    render: () => <BigGallery layers={28} heads={16} kvHeads={8} />,
  },
  'gallery-large': {
    title: 'HeadGallery: 36 layers × 32 heads (synthetic, Qwen3-8B shape)',
    render: () => <BigGallery layers={36} heads={32} />,
  },
  linked: { title: 'Gallery + heatmap: click a head to open it', render: (f) => <GalleryAndMap f={f} /> },
  'figure-heatmap-svg': {
    title: 'Exported SVG figure of a 40-token window (rects), as a file viewer shows it',
    render: (f) => {
      const h = f.record.heads.local[0];
      const p = f.promptLength;
      return (
        <FigurePreview
          svg={heatmapToSvg({
            map: mapOf(f, h),
            n: f.seqLen,
            tokens: f.record.tokens,
            promptLength: p,
            rows: [p - 10, p + 29],
            cols: [p - 10, p + 29],
            spec: { scheme: 'viridis', mode: 'log', domain: [1e-3, 1] },
            title: `Layer ${h[0]} · head ${h[1]}, tokens ${p - 10}–${p + 29}`,
          })}
        />
      );
    },
  },
};
