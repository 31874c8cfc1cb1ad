// Overlapping services: groups of services giving the same benefit in the same form in one area,
// most redundant first, with the API's explanation in the page's language; CSV with a BOM.
import { downloadCsv } from "./lib/csv.js";
import { h, fill, field, table } from "./lib/dom.js";
import { gql } from "./lib/gql.js";
import { locale, t, today, word } from "./lib/i18n.js";
import { startPage, status } from "./lib/page.js";

const Q = `query($regionId: ID) { overlaps(regionId: $regionId) { region { id name } domain form tag capacity demand
  redundancy message services { id name } } }`;
const COLS = ["region", "domain", "form", "tag", "services", "capacity", "demand", "redundancy", "message"];

startPage({
  roles: ["coordinator"], title: "page.overlaps.title", nav: "overlaps",
  render: async ({ main }) => {
    const chosen = new URLSearchParams(location.search).get("region") || "";
    const region = h("input", { type: "text", id: "region", name: "region", value: chosen, size: 24 });
    const form = h("form", { class: "filters card", method: "get" },
      field(t("page.region.label"), region, t("page.region.hint")),
      h("button", { type: "submit", id: "show" }, t("page.show")));
    const { overlaps } = await gql(Q, { regionId: chosen || null });
    const rows = overlaps.map((g) => [g.region.name, word("Domain", g.domain), word("SupportForm", g.form), g.tag,
      g.services.map((s) => s.name).join(", "), g.capacity === null ? "∞" : String(g.capacity), String(g.demand),
      g.redundancy.toFixed(2), g.message]);
    const head = COLS.map((c) => t(`page.overlaps.col.${c}`));
    const exportBtn = h("button", { type: "button", class: "secondary", id: "export", disabled: !rows.length,
      onclick: () => {
        const name = `${t("page.overlaps.file")}-${chosen || "all"}-${today()}-${locale()}.csv`;
        downloadCsv(name, [head, ...rows]);
        status(t("page.exported", { name }), "ok");
      } }, t("page.export.csv"));
    fill(main, h("h1", {}, t("page.overlaps.title")), h("p", { class: "muted" }, t("page.overlaps.intro")), form,
      rows.length ? table(t("page.overlaps.title"), head, rows, { id: "overlaps" }) : h("p", {}, t("page.overlaps.none")),
      h("div", { class: "row" }, exportBtn));
  },
});
