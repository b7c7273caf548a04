export const EXAMPLES_DIR: string;
export const CONTEXTS_DIR: string;
export const EXAMPLES: Record<string, { npm?: string }>;
/**
 * Makes .cache/examples/NAME (Dockerfile, compiled programs, npm files); context null, with the reason, when a
 * package is missing or sources fetched at build time cannot be had (sqlite, offline).
 */
export function prepareContext(name: string): Promise<{ context: string | null; reason: string | null }>;
export function buildImages(options?: {
  names?: string[];
  force?: boolean;
  quiet?: boolean;
  env?: NodeJS.ProcessEnv;
}): Promise<Array<{ name: string; id: string; built: boolean }>>;
