/// <reference types="vitest/config" />
import { randomBytes } from 'node:crypto';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

/**
 * CodeMirror (style-mod) writes its theme into a <style> element, which style-src 'self' blocks;
 * it sets EditorView.cspNonce to this value (src/views/scenario/Editor.tsx), and the policy admits
 * style elements carrying it. A static site cannot mint a nonce per response, so it is per build:
 * it guards styles only (scripts never take a nonce), and style attributes stay blocked.
 */
const STYLE_NONCE = randomBytes(16).toString('base64');

/**
 * The Content-Security-Policy of the built app (a <meta> tag: the app is static files). Only the
 * production build gets it: Vite's dev server injects inline scripts for HMR and React refresh.
 * No inline script, no eval, no remote origin (zod's eval probe is off: src/worker/client.ts).
 */
export const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  `style-src 'self' 'nonce-${STYLE_NONCE}'`,
  "img-src 'self' data: blob:",
  "worker-src 'self' blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

function csp(): Plugin {
  return {
    name: 'ptlab-csp',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler: (html) => {
        if (/<script(?![^>]*\bsrc=)[^>]*>/i.test(html)) throw new Error('index.html has an inline script');
        return [
          { tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: CSP }, injectTo: 'head-prepend' },
        ];
      },
    },
  };
}

export default defineConfig(({ isSsrBuild }) => ({
  plugins: [react(), csp()],
  define: { 'import.meta.env.PTLAB_STYLE_NONCE': JSON.stringify(STYLE_NONCE) },
  worker: { format: 'es' },
  server: { host: '127.0.0.1', port: 5173, strictPort: true },
  preview: { host: '127.0.0.1', port: 4173, strictPort: true },
  build: { copyPublicDir: !isSsrBuild },
  test: {
    projects: [
      {
        extends: true,
        test: { name: 'engine', include: ['src/**/*.test.ts', 'test/**/*.test.ts'], environment: 'node' },
      },
      { extends: true, test: { name: 'ui', include: ['src/**/*.test.tsx'], environment: 'happy-dom' } },
    ],
  },
}));
