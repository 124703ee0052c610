/// <reference types="vitest/config" />
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig(({ isSsrBuild }) => ({
  plugins: [react()],
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
