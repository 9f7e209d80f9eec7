import { defineConfig } from 'vite';

// The service serves dist/ at "/" and the API under /api/v1 on the same origin;
// `npm run dev` proxies the API to a local `twin serve`.
export default defineConfig({
  base: '/',
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1200 },
  server: {
    proxy: {
      '/api': 'http://127.0.0.1:8000',
      '/health': 'http://127.0.0.1:8000',
    },
  },
});
