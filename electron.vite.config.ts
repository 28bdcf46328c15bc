import { resolve } from 'node:path';
import { defineConfig, externalizeDepsPlugin } from 'electron-vite';
import { rendererConfig } from './vite.renderer.config';

export default defineConfig({
  main: {
    plugins: [externalizeDepsPlugin()],
    // The training worker is a second entry: worker threads load it by file name (startWorker).
    // The engine host is another: main starts it as a utility process by file name.
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          index: resolve(import.meta.dirname, 'src/main/index.ts'),
          engineHost: resolve(import.meta.dirname, 'src/engine/host/engineHost.ts'),
          trainWorker: resolve(import.meta.dirname, 'src/engine/train/trainWorker.ts'),
          estimateWorker: resolve(import.meta.dirname, 'src/engine/train/estimateWorker.ts'),
          gradWorker: resolve(import.meta.dirname, 'src/engine/train/parallel/gradWorker.ts'),
        },
        output: { entryFileNames: '[name].js' },
      },
    },
  },
  preload: {
    // A sandboxed preload cannot require node modules: bundle everything into one CommonJS file.
    build: {
      outDir: 'out/preload',
      rollupOptions: { input: { index: resolve(import.meta.dirname, 'src/preload/index.ts') }, output: { format: 'cjs', entryFileNames: '[name].cjs' } },
    },
  },
  renderer: rendererConfig,
});
