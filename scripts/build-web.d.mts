export const WEB_DIST: string;
/** Bundles the playground into dist/web/ (app.js, worker.js, sw.js, index.html, styles.css, xterm.css); resolves to that folder. */
export function buildWeb(options?: { quiet?: boolean }): Promise<string>;
