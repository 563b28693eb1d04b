import react from "@vitejs/plugin-react";
import { defineConfig, type Plugin } from "vite";
import { shellHtml } from "./src/pages.js";

/** The header and the page's heading in `index.html` itself: the first paint needs no script. */
const shell = (): Plugin => ({
  name: "tributary-shell",
  transformIndexHtml: (html) => html.replace('<div id="root"></div>', `<div id="root">${shellHtml()}</div>`),
});

// Static files with relative URLs: any web server can host them, under any path.
export default defineConfig({
  base: "./",
  plugins: [react(), shell()],
  build: { target: "es2022", sourcemap: false },
});
