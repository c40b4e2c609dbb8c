/** Registers tfjs-core's gradients for bundled code (Vite, vitest, browser). Node scripts: ./gradients-node.ts. */
import '@tensorflow/tfjs-core/dist/register_all_gradients';
