/**
 * How much a backend can hold, to refuse a model before downloading it rather than fail halfway through the
 * upload. The numbers are deliberately round: wasm32 addresses at most 4 GiB (tfjs-wasm grows its heap up to
 * that), the JS backends and WebGL are bounded by the machine's memory (navigator.deviceMemory, which browsers
 * cap at 8 GiB and round down), and WebGPU by the adapter's limits — one storage buffer binding must hold the
 * largest tensor.
 */
import type { MemoryEstimate } from '../model/memory';
import type { BackendName } from './rank';

const GiB = 1024 ** 3;

export interface DeviceFacts {
  /** navigator.deviceMemory in GiB (undefined where the browser does not tell). */
  deviceMemoryGiB?: number;
  /** WebGPU adapter limits, when the backend is webgpu. */
  maxStorageBufferBindingSize?: number;
  maxBufferSize?: number;
}

export interface BackendBudget {
  backend: BackendName;
  /** Bytes the model (weights + working memory) may use. */
  totalBytes: number;
  /** Bytes one tensor may take (WebGPU buffer binding), when limited. */
  maxTensorBytes?: number;
  /** Where the number comes from, in words. */
  basis: string;
}

/** A machine that does not say how much memory it has is taken to have 8 GiB (what browsers report at most). */
const DEFAULT_DEVICE_GIB = 8;

export function backendBudget(backend: BackendName, facts: DeviceFacts = {}): BackendBudget {
  const device = (facts.deviceMemoryGiB ?? DEFAULT_DEVICE_GIB) * GiB;
  // Half the machine: the browser, the page and the OS need the rest.
  const half = device / 2;
  const deviceWords = facts.deviceMemoryGiB
    ? `${facts.deviceMemoryGiB} GiB device memory`
    : 'device memory unknown (8 GiB assumed)';
  switch (backend) {
    case 'wasm':
      return { backend, totalBytes: Math.min(4 * GiB, half), basis: `wasm32 heap ≤ 4 GiB; ${deviceWords}` };
    case 'webgpu': {
      const binding = facts.maxStorageBufferBindingSize ?? 128 * 1024 ** 2;
      const buffer = facts.maxBufferSize ?? 256 * 1024 ** 2;
      return {
        backend,
        totalBytes: half,
        maxTensorBytes: Math.min(binding, buffer),
        basis: `GPU buffer binding ≤ ${Math.round(Math.min(binding, buffer) / 1024 ** 2)} MiB; ${deviceWords}`,
      };
    }
    default:
      return { backend, totalBytes: half, basis: deviceWords };
  }
}

export interface FitVerdict {
  fits: boolean;
  /** Why not, in words a person can act on (another backend, a smaller model). */
  reason?: string;
}

const gib = (b: number) => `${(b / GiB).toFixed(b < 10 * GiB ? 2 : 1)} GiB`;

export function checkFits(est: MemoryEstimate, budget: BackendBudget): FitVerdict {
  if (budget.maxTensorBytes !== undefined && est.largestTensorBytes > budget.maxTensorBytes) {
    return {
      fits: false,
      reason: `its largest tensor (${gib(est.largestTensorBytes)} in float32) exceeds what one ${budget.backend} buffer may hold (${gib(budget.maxTensorBytes)}); use the wasm backend`,
    };
  }
  if (est.totalBytes > budget.totalBytes) {
    return {
      fits: false,
      reason: `it needs about ${gib(est.totalBytes)} on ${budget.backend} (float32 weights ${gib(est.weightsBytes)} + KV cache and maps at ${est.context} tokens) but ${budget.backend} can hold about ${gib(budget.totalBytes)} here (${budget.basis})`,
    };
  }
  return { fits: true };
}
