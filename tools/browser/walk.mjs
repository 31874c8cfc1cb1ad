// Shared by the browser walks under tools/: arguments and Debian's chromium through playwright-core
// (the copy installed for the network page: tools/network-ui/node_modules, no browser download) for
// all of them (network-ui/e2e.mjs, graphiql-ui/e2e.mjs, pages-ui/*.mjs); for the pages' walks
// (pages-ui/e2e.mjs: the case worker's; pages-ui/partner-coordinator.mjs: the partner's and the
// coordinator's) also `run`: the guard that aborts and lists every request leaving loopback, console
// errors, and per screenshot the in-page audit of unnamed controls and text under 4.5:1 contrast.
import { chromium } from "../network-ui/node_modules/playwright-core/index.mjs";
import { mkdirSync } from "node:fs";
import { join } from "node:path";

export const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);

// `--name value` pairs; each of `required` must be given
export function args(required) {
  const out = {};
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i += 2) out[argv[i].replace(/^--/, "")] = argv[i + 1];
  for (const need of required) {
    if (!out[need]) throw new Error(`--${need} is required`);
  }
  return out;
}

// Debian's chromium (or $CHROMIUM), headless, with nothing of its own going out to the network
export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

// in the page: controls without a name, and text whose contrast with its background is under 4.5:1
export function auditPage() {
  const rgb = (s) => (s.match(/[\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const c = [r, g, b].map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  };
  const background = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] > 0.5)) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const lowContrast = [];
  for (const el of document.querySelectorAll("body *")) {
    const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!own || !el.getClientRects().length || getComputedStyle(el).visibility === "hidden") continue;
    const fg = lum(rgb(getComputedStyle(el).color));
    const bg = lum(background(el));
    const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
    if (ratio < 4.5) lowContrast.push(`${el.tagName}.${el.className}: ${ratio.toFixed(2)} "${el.textContent.trim().slice(0, 30)}"`);
  }
  const unnamed = [];
  for (const el of document.querySelectorAll("input, select, textarea, button, a[href]")) {
    if (!el.getClientRects().length) continue;
    const name = el.getAttribute("aria-label") || (el.labels && [...el.labels].map((l) => l.textContent).join(" ")) ||
      ((el.tagName === "BUTTON" || el.tagName === "A") && el.textContent);
    if (!name || !name.trim()) unnamed.push(`${el.tagName}#${el.id}`);
  }
  return { lowContrast, unnamed };
}

// Runs `walk` with a fresh page behind the loopback guard, then prints the result (steps, external
// requests, console errors, audits, and whatever the walk added) as one JSON object on stdout.
export async function run(opts, walk) {
  mkdirSync(opts.shots, { recursive: true });
  const result = { steps: [], external: [], consoleErrors: [] };
  const browser = await launch();
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    await context.route("**/*", (route) => {
      const url = new URL(route.request().url());
      if (["http:", "https:", "ws:", "wss:"].includes(url.protocol) && !LOOPBACK.has(url.hostname)) {
        result.external.push(url.href);
        return route.abort();
      }
      return route.continue();
    });
    const page = await context.newPage();
    page.on("console", (m) => {
      if (m.type() === "error" && !/\b40[13]\b/.test(m.text())) result.consoleErrors.push(m.text());
    });
    page.on("pageerror", (e) => result.consoleErrors.push(String(e)));
    const audits = {};
    const shot = async (name, { fullPage = true } = {}) => {
      const path = join(opts.shots, `${String(result.steps.length + 1).padStart(2, "0")}-${name}.png`);
      await page.screenshot({ path, fullPage });
      audits[name] = await page.evaluate(auditPage);
      result.steps.push({ name, screenshot: path, url: page.url() });
    };
    const settled = () => page.waitForFunction(
      () => ["ready", "refused", "error", "signin", "forbidden"].includes(document.body.dataset.state), null,
      { timeout: 60_000 });
    const state = () => page.evaluate(() => document.body.dataset.state);
    const statusText = async () => (await page.locator("#status").textContent()) || "";
    await walk({ page, result, shot, settled, state, statusText });
    result.audits = audits;
  } finally {
    await browser.close();
  }
  process.stdout.write(JSON.stringify(result) + "\n");
}
