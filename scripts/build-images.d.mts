export const EXAMPLES_DIR: string;
export const CONTEXTS_DIR: string;
export const EXAMPLES: Record<string, { npm?: string }>;
/** Makes .cache/examples/NAME (Dockerfile, compiled programs, npm files); context null when a package is missing. */
export function prepareContext(name: string): Promise<{ context: string | null; reason: string | null }>;
export function buildImages(options?: {
  names?: string[];
  force?: boolean;
  quiet?: boolean;
  env?: NodeJS.ProcessEnv;
}): Promise<Array<{ name: string; id: string; built: boolean }>>;
