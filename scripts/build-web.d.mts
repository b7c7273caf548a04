export const WEB_DIST: string;
/** Bundles the playground into `outDir` (default dist/web/: app.js, worker.js, sw.js, index.html, styles.css, xterm.css); resolves to that folder. */
export function buildWeb(options?: { quiet?: boolean; outDir?: string }): Promise<string>;
