// Households past their response deadline with no service started, by region and the case worker
// who opened the case, with the clock the deployment judges by (DOLBOM_DEADLINE_CLOCK: a referral
// ACCEPTED, or DELIVERED); times in DOLBOM_TIMEZONE; CSV with a BOM.
import { downloadCsv } from "./lib/csv.js";
import { h, fill, field, table } from "./lib/dom.js";
import { gql } from "./lib/gql.js";
import { fmtDateTime, locale, t, today, word, zonedTime } from "./lib/i18n.js";
import { startPage, status } from "./lib/page.js";

const Q = `query($regionId: ID, $asOf: String) { overdue(regionId: $regionId, asOf: $asOf) {
  householdId regionId urgency openedAt dueAt daysLate openedBy openedByName caseManagerId clock } }`;
const COLS = ["household", "region", "urgency", "opened", "due", "late", "openedBy", "manager", "clock"];

startPage({
  roles: ["coordinator"], title: "page.overdue.title", nav: "overdue",
  render: async ({ main }) => {
    const params = new URLSearchParams(location.search);
    const chosen = params.get("region") || "";
    const day = params.get("asOf") || "";
    const region = h("input", { type: "text", id: "region", name: "region", value: chosen, size: 24 });
    const asOf = h("input", { type: "date", id: "as-of", name: "asOf", value: day });
    const form = h("form", { class: "filters card", method: "get" },
      field(t("page.region.label"), region, t("page.region.hint")),
      field(t("page.overdue.asOf"), asOf, t("page.overdue.asOf.hint")),
      h("button", { type: "submit", id: "show" }, t("page.show")));
    // a day means the end of that day where the offices are
    const { overdue } = await gql(Q, { regionId: chosen || null, asOf: day ? zonedTime(day, "23:59:59") : null });
    const clocks = [...new Set(overdue.map((o) => o.clock))];
    const clockWord = (c) => t(`page.overdue.clockWord.${c === "delivered" ? "delivered" : "accepted"}`);
    const rows = overdue.map((o) => [o.householdId, o.regionId, word("Urgency", o.urgency), fmtDateTime(o.openedAt),
      fmtDateTime(o.dueAt), String(o.daysLate), o.openedByName || o.openedBy || "", o.caseManagerId || "",
      clockWord(o.clock)]);
    const head = COLS.map((c) => t(`page.overdue.col.${c}`));
    const exportBtn = h("button", { type: "button", class: "secondary", id: "export", disabled: !rows.length,
      onclick: () => {
        const name = `${t("page.overdue.file")}-${day || today()}-${locale()}.csv`;
        downloadCsv(name, [head, ...rows]);
        status(t("page.exported", { name }), "ok");
      } }, t("page.export.csv"));
    const tbl = rows.length ? table(t("page.overdue.count", { n: rows.length }), head, rows, { id: "overdue" }) : null;
    if (tbl) {  // the household id links to its page; the rows name their household for tests
      tbl.querySelectorAll("tbody tr").forEach((tr, i) => {
        const id = overdue[i].householdId;
        tr.dataset.household = id;
        tr.dataset.clock = overdue[i].clock;
        fill(tr.firstChild, h("a", { href: `/app/household.html?id=${encodeURIComponent(id)}` }, id));
      });
    }
    fill(main, h("h1", {}, t("page.overdue.title")), form,
      h("p", { id: "clock", dataset: { clock: clocks.join(",") } },
        clocks.length ? clocks.map((c) => t(`page.overdue.clock.${c === "delivered" ? "delivered" : "accepted"}`)).join(" ")
          : ""),
      tbl || h("p", { id: "overdue-empty" }, t("page.overdue.none")), h("div", { class: "row" }, exportBtn));
  },
});
