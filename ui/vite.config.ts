import { defineConfig } from "vite";
import { svelte } from "@sveltejs/vite-plugin-svelte";

// The UI is embedded in the binary and served over Tauri's own protocol:
// relative paths, no dev server, nothing fetched from the network.
export default defineConfig({
  root: import.meta.dirname,
  base: "./",
  plugins: [svelte()],
  build: { outDir: "dist", emptyOutDir: true, target: "safari16" },
  test: { include: ["src/**/*.test.ts"], environment: "node" },
});
