/**
 * Public API of in-browser/in-Node RL fine-tuning with attention-weighted credit (docs/rl.md).
 * Gradients must be registered by the caller: browser/Vite code imports '../train/gradients', Node calls
 * registerGradientsNode() from '../train/gradients-node' (Node-only, so it is not imported here).
 */
export * from './options';
export * from './runlog';
export { RlTrainer, EVAL_SEED, type PolicyInit, type Rollout } from './trainer';
export { RlRun, PauseGate, type RunHooks, type RunSummary } from './run';
export { attentionCredit, tokenAdvantages, amplifiedCount, type CreditRow, type CreditPass } from './credit';
export { ppoUpdate, type TestHooks, type UpdateResult } from './update';
export { ppoClipLoss, responseTokenMean } from './ppo';
export { BatchedLM } from './batched';
export { BatchDecoder } from './batch-decoder';
export { sampleRows, type SampleOptions, type SampleResult } from './rollout';
export { makePolicyBatch, policyOutputs, type PolicyBatch } from './batch';
export {
  meanCi,
  rewardAuc,
  summarize,
  summaryMarkdown,
  summaryCsv,
  curvesCsv,
  meanCurve,
  type RunResult,
  type StrategyRow,
  type Interval,
} from './experiment';
export { comparisonSvg, smooth } from './plot';
