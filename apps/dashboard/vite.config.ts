import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// Static files with relative URLs: any web server can host them, under any path.
export default defineConfig({
  base: "./",
  plugins: [react()],
  build: { target: "es2022", sourcemap: false },
});
