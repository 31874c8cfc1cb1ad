// The coverage heatmap: areas one level below the chosen region (or below each root) by domain,
// each cell showing both kinds of blind spot (docs/reports.md, CoverageCell): nothing exists
// (missingNeeds: no eligible resource at all) and not enough places (shortOfPlaces), with the part
// of it that is competition (unmetNeeds: free places exist, but households compete for them).
// Below it, the blind-spot cells as a list, exported as CSV with a BOM (lib/csv.js).
import { downloadCsv } from "./lib/csv.js";
import { h, fill, field, select, table } from "./lib/dom.js";
import { gql } from "./lib/gql.js";
import { fmtNumber, locale, t, today, word } from "./lib/i18n.js";
import { startPage, status } from "./lib/page.js";

const Q = `query($regionId: ID) { coverage(regionId: $regionId) {
  region { id name level parent { id name } } domain openNeeds uncoveredNeeds missingNeeds unmetNeeds shortOfPlaces
  services freeCapacity } }`;
const LIST_COLS = ["region", "domain", "open", "uncovered", "missing", "short", "unmet", "services", "free"];
const listHead = () => LIST_COLS.map((c) => ({ region: t("page.coverage.row"), missing: t("page.coverage.missing"),
  short: t("page.coverage.short"), unmet: t("page.coverage.unmet") }[c] ?? t(`page.coverage.col.${c}`)));

/** The heatmap's rows: the regions one level below ``chosen`` (or below each root), else ``chosen``/the roots. */
function rowRegions(cells, chosen) {
  const regions = new Map();
  for (const c of cells) regions.set(c.region.id, c.region);
  const all = [...regions.values()];
  const roots = chosen ? [chosen] : all.filter((r) => !r.parent || !regions.has(r.parent.id)).map((r) => r.id);
  const below = all.filter((r) => r.parent && roots.includes(r.parent.id));
  return (below.length ? below : all.filter((r) => roots.includes(r.id))).sort((a, b) => a.id.localeCompare(b.id));
}

function cellContent(c) {
  if (!c || (c.missingNeeds === 0 && c.shortOfPlaces === 0)) return [h("span", { class: "muted" }, t("page.coverage.cell.ok"))];
  const out = [];
  if (c.missingNeeds > 0) out.push(h("span", { class: "kind nothing" }, t("page.coverage.cell.missing", { n: fmtNumber(c.missingNeeds) })));
  if (c.shortOfPlaces > 0) {
    out.push(h("span", { class: "kind places" }, t("page.coverage.cell.short", { n: fmtNumber(c.shortOfPlaces) }),
      c.unmetNeeds > 0 ? [" ", h("span", { class: "unmet" }, t("page.coverage.cell.unmet", { n: fmtNumber(c.unmetNeeds) }))] : null));
  }
  return out;
}

startPage({
  roles: ["coordinator"], title: "page.coverage.title", nav: "coverage",
  render: async ({ main }) => {
    const chosen = new URLSearchParams(location.search).get("region") || null;
    const { coverage: cells } = await gql(Q, { regionId: chosen });
    const rows = rowRegions(cells, chosen);
    const domains = [...new Set(cells.map((c) => c.domain))];
    const byKey = new Map(cells.map((c) => [`${c.region.id}|${c.domain}`, c]));
    const rowCells = rows.flatMap((r) => domains.map((d) => byKey.get(`${r.id}|${d}`)).filter(Boolean));
    const spots = rowCells.filter((c) => c.missingNeeds > 0 || c.shortOfPlaces > 0);
    const sum = (k) => rowCells.reduce((n, c) => n + c[k], 0);
    const parents = new Map();
    for (const c of cells) if (c.region.parent) parents.set(c.region.parent.id, c.region.parent.name);
    const here = chosen ? (cells.find((c) => c.region.id === chosen)?.region.name || chosen) : t("page.coverage.all");

    const regionSel = select([["", t("page.region.any")], ...[...parents].map(([id, name]) => [id, `${name} (${id})`])],
      chosen || "", { id: "region", name: "region" });
    const form = h("form", { class: "filters card", method: "get" }, field(t("page.region.label"), regionSel),
      h("button", { type: "submit", id: "show" }, t("page.show")));

    const heat = h("table", { id: "heatmap", class: "heat", dataset: {
      nothing: spots.filter((c) => c.missingNeeds > 0).length, places: spots.filter((c) => c.shortOfPlaces > 0).length,
      unmet: spots.filter((c) => c.unmetNeeds > 0).length } },
    h("caption", {}, t("page.coverage.heatmap", { region: here })),
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t("page.coverage.row")),
      domains.map((d) => h("th", { scope: "col" }, word("Domain", d))))),
    h("tbody", {}, rows.map((r) => h("tr", { dataset: { region: r.id } },
      h("th", { scope: "row" }, h("a", { href: `?region=${encodeURIComponent(r.id)}` }, r.name)),
      domains.map((d) => {
        const c = byKey.get(`${r.id}|${d}`);
        const cls = c ? [c.missingNeeds > 0 ? "nothing" : "", c.shortOfPlaces > 0 ? "places" : ""].join(" ").trim() : "";
        return h("td", { class: cls || null, dataset: c ? { domain: d, missing: c.missingNeeds, short: c.shortOfPlaces,
          unmet: c.unmetNeeds } : { domain: d } }, cellContent(c));
      })))));
    const legend = h("ul", { class: "plain legend", "aria-label": t("page.coverage.legend") },
      h("li", {}, h("span", { class: "kind nothing" }, t("page.coverage.missing")), ": ", t("page.coverage.legend.missing")),
      h("li", {}, h("span", { class: "kind places" }, t("page.coverage.short")), ": ", t("page.coverage.legend.short")),
      h("li", {}, h("span", { class: "unmet" }, t("page.coverage.unmet")), ": ", t("page.coverage.legend.unmet")));
    const listRows = spots.map((c) => [c.region.name, word("Domain", c.domain), c.openNeeds, c.uncoveredNeeds,
      c.missingNeeds, c.shortOfPlaces, c.unmetNeeds, c.services, c.freeCapacity === null ? "∞" : c.freeCapacity]);
    const exportBtn = h("button", { type: "button", class: "secondary", id: "export", disabled: !spots.length,
      onclick: () => {
        const name = `${t("page.coverage.file")}-${chosen || "all"}-${today()}-${locale()}.csv`;
        downloadCsv(name, [listHead(), ...listRows]);
        status(t("page.exported", { name }), "ok");
      } }, t("page.export.csv"));
    fill(main, h("h1", {}, t("page.coverage.title")), h("p", { class: "muted" }, t("page.coverage.intro")), form,
      h("p", { id: "coverage-summary" }, t("page.coverage.summary", { missing: fmtNumber(sum("missingNeeds")),
        short: fmtNumber(sum("shortOfPlaces")), unmet: fmtNumber(sum("unmetNeeds")) })),
      h("div", { class: "scroll" }, heat), legend,
      h("h2", {}, t("page.coverage.list")),
      spots.length ? table(t("page.coverage.list"), listHead(), listRows.map((r) => r.map(String)), { id: "spots" })
        : h("p", {}, t("page.coverage.none")),
      h("div", { class: "row" }, exportBtn));
  },
});
