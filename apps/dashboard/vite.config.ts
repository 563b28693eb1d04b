import react from "@vitejs/plugin-react";
import { defineConfig, type Plugin } from "vite";
import { shellHtml } from "./src/pages.js";

/** The header and the page's heading in `index.html` itself: the first paint needs no script. */
const shell = (): Plugin => ({
  name: "tributary-shell",
  transformIndexHtml: (html) => html.replace('<div id="root"></div>', `<div id="root">${shellHtml()}</div>`),
});

/**
 * The app starts once the shell is on screen: the entry script and the preloads of its chunks are
 * taken out of `<head>` and requested from the first frame after the first paint, so no script
 * download stands before the page's first paint on a slow network.
 */
const bootAfterPaint = (): Plugin => ({
  name: "tributary-boot-after-paint",
  apply: "build",
  transformIndexHtml: {
    order: "post",
    handler: (html) => {
      const entry = /<script type="module" crossorigin src="([^"]+)"><\/script>\s*/.exec(html);
      if (!entry) throw new Error("index.html has no module entry script");
      const preloads = [...html.matchAll(/<link rel="modulepreload" crossorigin href="([^"]+)">\s*/g)];
      let out = html.replace(entry[0], "");
      for (const p of preloads) out = out.replace(p[0], "");
      const boot = `<script type="module">requestAnimationFrame(()=>setTimeout(()=>{for(const href of ${JSON.stringify(
        preloads.map((p) => p[1]),
      )}){const l=document.createElement("link");l.rel="modulepreload";l.crossOrigin="";l.href=href;document.head.append(l)}import(${JSON.stringify(entry[1])})}))</script>`;
      return out.replace("</body>", `${boot}\n  </body>`);
    },
  },
});

// Static files with relative URLs: any web server can host them, under any path.
export default defineConfig({
  base: "./",
  plugins: [react(), shell(), bootAfterPaint()],
  build: { target: "es2022", sourcemap: false },
});
