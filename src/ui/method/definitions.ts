/** The paper the method page cites. Metric definitions live in the glossary (src/ui/glossary). */
export const PAPER = {
  cite: 'Li et al., “Attention Illuminates LLM Reasoning: The Preplan-and-Anchor Rhythm Enables Fine-Grained Policy Optimization”, arXiv 2510.13554 (ICML 2026)',
  url: 'https://arxiv.org/abs/2510.13554',
};
