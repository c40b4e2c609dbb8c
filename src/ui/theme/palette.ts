/**
 * Categorical colours (Okabe–Ito, safe for the common colour-vision deficiencies) for head classes, token roles
 * and credit strategies, so every view uses the same colour for the same concept. Pure data.
 */
export const OKABE_ITO = {
  orange: '#E69F00',
  skyBlue: '#56B4E9',
  bluishGreen: '#009E73',
  yellow: '#F0E442',
  blue: '#0072B2',
  vermillion: '#D55E00',
  reddishPurple: '#CC79A7',
  black: '#000000',
} as const;

export type HeadClass = 'local' | 'global' | 'neither';

/** Local heads feed WAAD / preplan tokens, global heads feed FAI / anchors: the same hue for each pair. */
export const HEAD_CLASS_COLORS: Record<HeadClass, string> = {
  local: OKABE_ITO.blue,
  global: OKABE_ITO.vermillion,
  neither: '#8a93a3',
};
export const HEAD_CLASS_LABELS: Record<HeadClass, string> = { local: 'local', global: 'global', neither: 'neither' };

export type TokenRole = 'preplan' | 'anchor' | 'dominated' | 'intro';
export const ROLE_COLORS: Record<TokenRole, string> = {
  preplan: OKABE_ITO.blue,
  anchor: OKABE_ITO.vermillion,
  dominated: OKABE_ITO.reddishPurple,
  intro: OKABE_ITO.bluishGreen,
};
export const ROLE_LABELS: Record<TokenRole, string> = {
  preplan: 'preplan',
  anchor: 'anchor',
  dominated: 'locally dominated',
  intro: 'introductory',
};

export const STRATEGY_COLORS: Record<string, string> = {
  uniform: '#5d6677',
  local_chunk: OKABE_ITO.blue,
  global_anchor: OKABE_ITO.vermillion,
  coupled: OKABE_ITO.bluishGreen,
  random: OKABE_ITO.orange,
  high_entropy: OKABE_ITO.skyBlue,
  hicra: OKABE_ITO.reddishPurple,
  // Strategies from related papers: darker shades, distinct from the paper's own and from each other.
  tempo: '#8C6D1F',
  entropy_minority: '#2E5E73',
  capo: '#6B3A2E',
  pure: '#4B4F8C',
};

/** Overlay colours on top of a sequential heatmap: visible on both dark and bright ends of viridis/cividis. */
export const OVERLAY = {
  boundary: '#ffffff',
  boundaryHalo: 'rgba(0,0,0,0.55)',
  crosshair: '#ff4fa3',
  hover: 'rgba(255,255,255,0.9)',
} as const;
