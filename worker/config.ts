import { z } from 'zod';
import { ConfigurationError } from '../domain';

/**
 * The worker's configuration, read once from the environment. This build knows the Temporal connection
 * and Kriptomat with a static token; the running-system issue extends this schema to the full table in
 * the architecture document.
 */
export const workerConfigSchema = z.object({
  TEMPORAL_ADDRESS: z.string().min(1).default('localhost:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('kyc'),
  KRIPTOMAT_BASE_URL: z.url({ protocol: /^https?$/ }),
  KRIPTOMAT_TOKEN: z.string().min(1),
});
export type WorkerConfig = z.infer<typeof workerConfigSchema>;

/** Parses the environment; a missing or malformed variable is named in the error, its value never echoed. */
export function loadWorkerConfig(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  const parsed = workerConfigSchema.safeParse(env);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
  throw new ConfigurationError(`invalid configuration:\n${problems.join('\n')}`);
}
