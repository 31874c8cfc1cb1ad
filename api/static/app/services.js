// The partner's services: each service of the organization with its capacity, the period the
// capacity counts over, places used and available (capacityReport: this period's count and its
// next reset), eligibility; edit capacity, period, income limit, required traits and lead time
// with updateService (only the fields changed are sent). Export as CSV with a BOM (lib/csv.js).
import { downloadCsv } from "./lib/csv.js";
import { h, fill, field, select } from "./lib/dom.js";
import { gql } from "./lib/gql.js";
import { fmtDate, locale, t, today, word } from "./lib/i18n.js";
import { showError, startPage, status } from "./lib/page.js";

const Q = `query($org: ID!) {
  organization(id: $org) { id name services { id name domains capacity capacityPeriod available active leadTimeDays
    eligibility { maxIncomePercent requiredTraits } } }
  capacityReport { kind id period used left nextReset } }`;
const UPDATE = `mutation($id: ID!, $input: ServiceUpdateInput!) {
  updateService(id: $id, input: $input) { id name capacity capacityPeriod available } }`;
const PERIODS = ["WEEK", "MONTH", "YEAR"];
const TRAITS = ["ELDERLY", "DISABLED", "CHILDREN", "SINGLE_PARENT", "MULTICULTURAL", "UNEMPLOYED", "CHRONIC_ILLNESS"];
const COLS = ["name", "domains", "capacity", "period", "used", "available", "reset", "eligibility", "active"];

const periodWord = (p) => (p ? word("CapacityPeriod", p) : t("page.services.period.NOW"));
const eligibilityText = (e) => {
  const parts = [];
  if (e.maxIncomePercent !== null) parts.push(t("page.services.income", { n: e.maxIncomePercent }));
  parts.push(...e.requiredTraits.map((x) => word("HouseholdTrait", x)));
  return parts.join(", ") || t("page.services.noRule");
};

/** A whole number of at least 0 from a text box, null when empty, undefined when not a number. */
function wholeOrNull(input) {
  const v = input.value.trim();
  if (v === "") return null;
  return /^\d+$/.test(v) ? Number(v) : undefined;
}

function editForm(svc, onSaved) {
  const key = svc.id.replace(/[^A-Za-z0-9_-]/g, "_");
  const capacity = h("input", { type: "number", min: 0, step: 1, id: `cap-${key}`, inputmode: "numeric",
    value: svc.capacity ?? "" });
  const period = select([["", t("page.services.period.NOW")], ...PERIODS.map((p) => [p, word("CapacityPeriod", p)])],
    svc.capacityPeriod || "", { id: `period-${key}` });
  const income = h("input", { type: "number", min: 0, max: 1000, step: 1, id: `income-${key}`,
    value: svc.eligibility.maxIncomePercent ?? "" });
  const lead = h("input", { type: "number", min: 0, step: 1, id: `lead-${key}`, value: svc.leadTimeDays });
  const boxes = TRAITS.map((tr) => h("input", { type: "checkbox", id: `trait-${key}-${tr}`, value: tr,
    checked: svc.eligibility.requiredTraits.includes(tr) }));
  const traits = h("fieldset", { class: "traits" }, h("legend", {}, t("page.services.traits")),
    h("div", { class: "row" }, boxes.map((b, i) => h("label", { for: b.id, class: "check" }, b,
      word("HouseholdTrait", TRAITS[i])))));
  const form = h("form", { class: "card edit", id: `edit-${key}`, novalidate: true,
    "aria-labelledby": `edit-h-${key}` },
  h("h3", { id: `edit-h-${key}` }, t("page.services.edit.title", { name: svc.name })),
  h("div", { class: "filters" },
    field(t("page.services.capacity"), capacity, t("page.services.capacity.hint")),
    field(t("page.services.period"), period),
    field(t("page.services.maxIncome"), income, t("page.services.maxIncome.hint")),
    field(t("page.services.leadTime"), lead)),
  traits,
  h("div", { class: "row" }, h("button", { type: "submit" }, t("page.services.save")),
    h("button", { type: "button", class: "secondary", onclick: () => form.remove() }, t("page.cancel"))));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const cap = wholeOrNull(capacity);
    const inc = wholeOrNull(income);
    const lt = wholeOrNull(lead);
    for (const [v, el] of [[cap, capacity], [inc, income], [lt === null ? undefined : lt, lead]]) {
      if (v === undefined) {
        status(t("page.services.badNumber"), "error");
        el.setAttribute("aria-invalid", "true");
        el.focus();
        return;
      }
    }
    const input = {};
    if (cap !== svc.capacity) input.capacity = cap;
    if ((period.value || null) !== svc.capacityPeriod) input.capacityPeriod = period.value || null;
    if (lt !== svc.leadTimeDays) input.leadTimeDays = lt;
    const chosen = boxes.filter((b) => b.checked).map((b) => b.value);
    const elig = {};
    if (inc !== svc.eligibility.maxIncomePercent) elig.maxIncomePercent = inc;
    if (chosen.join() !== TRAITS.filter((x) => svc.eligibility.requiredTraits.includes(x)).join()) {
      elig.requiredTraits = chosen;
    }
    if (Object.keys(elig).length) input.eligibility = elig;
    try {
      if (Object.keys(input).length) await gql(UPDATE, { id: svc.id, input });
      await onSaved();
      status(t("page.services.saved", { name: svc.name }), "ok");
    } catch (e) { showError(e); }
  });
  return form;
}

startPage({
  roles: ["partner"], title: "page.services.title", nav: "services",
  render: async ({ viewer, main }) => {
    const holder = h("div", { id: "editing" });
    const results = h("div", { id: "results" });
    let shown = [];
    let orgName = "";
    const line = (svc, report) => {
      const r = report.get(svc.id);
      return { svc, used: r ? r.used : "", left: svc.capacity === null ? t("page.services.unlimited")
        : String(r && r.left !== null ? r.left : svc.available ?? ""), reset: r && r.nextReset ? fmtDate(r.nextReset) : "" };
    };
    const load = async () => {
      const data = await gql(Q, { org: viewer.organizationId });
      orgName = data.organization.name;
      const report = new Map(data.capacityReport.filter((c) => c.kind === "Service").map((c) => [c.id, c]));
      shown = data.organization.services.map((s) => line(s, report));
      const rows = shown.map(({ svc, used, left, reset }) => h("tr", { dataset: { service: svc.id } },
        h("th", { scope: "row" }, svc.name),
        h("td", {}, svc.domains.map((d) => word("Domain", d)).join(", ")),
        h("td", { class: "capacity" }, svc.capacity === null ? t("page.services.unlimited") : String(svc.capacity)),
        h("td", { class: "period" }, periodWord(svc.capacityPeriod)), h("td", {}, String(used)),
        h("td", { class: "available" }, left), h("td", {}, reset),
        h("td", {}, eligibilityText(svc.eligibility)), h("td", {}, svc.active ? t("page.yes") : t("page.no")),
        h("td", {}, h("button", { type: "button", class: "secondary edit",
          "aria-label": t("page.services.edit.label", { name: svc.name }),
          onclick: () => {
            const f = editForm(svc, load);
            fill(holder, f);
            f.querySelector("input").focus();
          } }, t("page.services.edit")))));
      fill(results, shown.length
        ? h("table", { id: "services" }, h("caption", {}, orgName),
          h("thead", {}, h("tr", {}, [...COLS, "edit"].map((c) => h("th", { scope: "col" }, t(`page.services.col.${c}`))))),
          h("tbody", {}, rows))
        : h("p", {}, t("page.services.none")));
      fill(holder);
      intro.textContent = t("page.services.intro", { org: orgName });
    };
    const intro = h("p", { class: "muted" });
    const exportBtn = h("button", { type: "button", class: "secondary", id: "export", onclick: () => {
      const name = `${t("page.services.file")}-${today()}-${locale()}.csv`;
      downloadCsv(name, [COLS.map((c) => t(`page.services.col.${c}`)), ...shown.map(({ svc, used, left, reset }) => [
        svc.name, svc.domains.map((d) => word("Domain", d)).join(", "),
        svc.capacity === null ? t("page.services.unlimited") : svc.capacity, periodWord(svc.capacityPeriod), used,
        left, reset, eligibilityText(svc.eligibility), svc.active ? t("page.yes") : t("page.no")])]);
      status(t("page.exported", { name }), "ok");
    } }, t("page.export.csv"));
    fill(main, h("h1", {}, t("page.services.title")), intro, results, holder, h("div", { class: "row" }, exportBtn));
    await load();
  },
});
