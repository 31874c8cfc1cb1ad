// Shared by the pages' browser walks (partner-coordinator.mjs): which hosts count as loopback,
// and the in-page audit (run with page.evaluate) of unnamed controls and text under 4.5:1
// contrast, the same rule as e2e.mjs's.
export const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);

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
