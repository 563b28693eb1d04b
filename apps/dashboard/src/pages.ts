/**
 * The pages: their id (the URL's hash), their name in the page list and their heading. The app
 * renders from this list, and the build writes the same header and heading into `index.html`, so
 * the first paint shows the page before any script runs (see `vite.config.ts`).
 */
export const PAGE_LIST = [
  { id: "stake", title: "Stake", heading: "Stake ETH, receive trETH" },
  { id: "withdraw", title: "Withdraw", heading: "Withdraw: trETH back to ETH" },
  { id: "portfolio", title: "Portfolio", heading: "Your position" },
  { id: "analytics", title: "Analytics", heading: "The protocol's health" },
  { id: "governance", title: "Governance", heading: "Governance" },
  { id: "operators", title: "Operators", heading: "Run validators" },
] as const;

export type PageId = (typeof PAGE_LIST)[number]["id"];

export const HEADING = Object.fromEntries(PAGE_LIST.map((p) => [p.id, p.heading])) as Record<PageId, string>;

/** The page a hash names (`#/withdraw`), the stake page for any other. */
export function pageOf(hash: string): PageId {
  const id = hash.replace(/^#\/?/, "");
  return PAGE_LIST.some((p) => p.id === id) ? (id as PageId) : "stake";
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The header and the heading as static HTML, for `index.html`: a small inline script puts the
 * heading of the page the URL names before the first paint. React replaces it all when it starts.
 */
export function shellHtml(): string {
  const links = PAGE_LIST.map(
    (p) => `<a href="#/${p.id}"${p.id === "stake" ? ' aria-current="page"' : ""}>${escapeHtml(p.title)}</a>`,
  ).join("");
  const headings = JSON.stringify(HEADING).replace(/</g, "\\u003c");
  return [
    `<header class="bar"><a class="brand" href="#/stake">Tributary</a><nav aria-label="Pages">${links}</nav></header>`,
    `<main class="page" id="main"><section><h1 id="shell-heading">${escapeHtml(HEADING.stake)}</h1><p>Loading…</p></section></main>`,
    `<script>(function(){var h=${headings};var id=location.hash.replace(/^#\\/?/,"");if(h[id]){document.getElementById("shell-heading").textContent=h[id];var a=document.querySelectorAll('nav a');for(var i=0;i<a.length;i++){a[i].getAttribute("href")==="#/"+id?a[i].setAttribute("aria-current","page"):a[i].removeAttribute("aria-current");}}})();</script>`,
  ].join("");
}
