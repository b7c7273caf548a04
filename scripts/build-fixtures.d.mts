export function buildFixtures(options?: { quiet?: boolean }): Promise<void>;
