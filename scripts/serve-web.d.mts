import type { Server } from 'node:http';
import type { Stats } from 'node:fs';
export const DEFAULT_WEB_DIR: string;
export const DEFAULT_IMAGES_DIR: string;
export interface WebImageEntry { name: string; file: string; bytes: number }
export function exportExampleImages(options?: { home?: string; imagesDir?: string; log?: (line: string) => void }): Promise<WebImageEntry[]>;
export function resolveRequestPath(urlPath: string, dirs: { webDir: string; imagesDir: string }): Promise<{ file: string; info: Stats } | null>;
export function startServer(options?: { port?: number; host?: string; webDir?: string; imagesDir?: string }): Promise<{ server: Server; url: string }>;
