import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Vite reads its configuration from the default export.
export default defineConfig({
  // The API serves the build under /console/ (services/api/src/console).
  base: '/console/',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true },
});
