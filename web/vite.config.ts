import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const root = fileURLToPath(new URL('.', import.meta.url));
/** The API the dev server forwards to: `npm start` (or `npm run shiyu -- serve`) on :8080. */
const api = process.env.SHIYU_API ?? 'http://localhost:8080';

export default defineConfig({
  root,
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    // MapLibre and ECharts are large by nature; they load only on the screens that use them.
    chunkSizeWarningLimit: 1200,
  },
  server: {
    port: 5173,
    proxy: {
      '/api': { target: api, changeOrigin: false },
      '/open311': { target: api },
      '/healthz': { target: api },
    },
  },
});
