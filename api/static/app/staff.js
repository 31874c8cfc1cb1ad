// Staff: coordinators list every staff member (filters: role, state), add one (a partner's staff
// belongs to an organization, a case worker to a region) and disable one (every token of theirs
// stops working at once, so the page asks first); CSV with a BOM.
import { downloadCsv } from "./lib/csv.js";
import { h, fill, field, select } from "./lib/dom.js";
import { gql } from "./lib/gql.js";
import { fmtDateTime, locale, t, today, word } from "./lib/i18n.js";
import { showError, startPage, status } from "./lib/page.js";

const Q = `query($role: StaffRole, $active: Boolean) { staff(role: $role, active: $active) {
  id name role organizationId regionId active createdAt disabledAt } }`;
const ADD = "mutation($input: StaffInput!) { addStaff(input: $input) { id name } }";
const DISABLE = "mutation($id: ID!) { disableStaff(id: $id) { id active } }";
const ROLES = ["COORDINATOR", "CASEWORKER", "PARTNER"];
const COLS = ["id", "name", "role", "where", "active", "created", "disabled"];
const head = () => COLS.map((c) => t(c === "role" ? "page.staff.role" : c === "active" ? "page.staff.active"
  : `page.staff.col.${c}`));

function addForm(reload) {
  const name = h("input", { type: "text", id: "new-name", required: true, autocomplete: "off" });
  const role = select(ROLES.map((r) => [r, word("StaffRole", r)]), "CASEWORKER", { id: "new-role" });
  const id = h("input", { type: "text", id: "new-id", autocomplete: "off" });
  const org = h("input", { type: "text", id: "new-org", autocomplete: "off" });
  const region = h("input", { type: "text", id: "new-region", autocomplete: "off" });
  const form = h("form", { class: "card", id: "add-staff", novalidate: true, "aria-labelledby": "add-h" },
    h("h2", { id: "add-h" }, t("page.staff.add")),
    h("div", { class: "filters" }, field(t("page.staff.name"), name), field(t("page.staff.role"), role),
      field(t("page.staff.id"), id), field(t("page.staff.org"), org), field(t("page.staff.region"), region)),
    h("button", { type: "submit" }, t("page.staff.add")));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const input = { name: name.value.trim(), role: role.value, id: id.value.trim() || null,
      organizationId: org.value.trim() || null, regionId: region.value.trim() || null };
    try {
      const { addStaff } = await gql(ADD, { input });
      form.reset();
      await reload();
      status(t("page.staff.added", { name: addStaff.name }), "ok");
    } catch (e) { showError(e); }
  });
  return form;
}

startPage({
  roles: ["coordinator"], title: "page.staff.title", nav: "staff",
  render: async ({ main }) => {
    const params = new URLSearchParams(location.search);
    const roleSel = select([["", t("page.any")], ...ROLES.map((r) => [r, word("StaffRole", r)])], params.get("role") || "",
      { id: "role", name: "role" });
    const activeSel = select([["", t("page.any")], ["true", t("page.staff.active.yes")], ["false", t("page.staff.active.no")]],
      params.get("active") || "", { id: "active", name: "active" });
    const filters = h("form", { class: "filters card", method: "get" }, field(t("page.staff.role"), roleSel),
      field(t("page.staff.active"), activeSel), h("button", { type: "submit", id: "show" }, t("page.show")));
    const results = h("div", { id: "results" });
    let shown = [];
    const cells = (s) => [s.id, s.name, word("StaffRole", s.role), s.organizationId || s.regionId || "",
      s.active ? t("page.staff.active.yes") : t("page.staff.active.no"), fmtDateTime(s.createdAt),
      fmtDateTime(s.disabledAt)];
    const load = async () => {
      const { staff } = await gql(Q, { role: roleSel.value || null,
        active: activeSel.value === "" ? null : activeSel.value === "true" });
      shown = staff;
      const rows = staff.map((s) => h("tr", { dataset: { staff: s.id, active: String(s.active) } },
        cells(s).map((c, i) => (i === 0 ? h("th", { scope: "row" }, c) : h("td", {}, c))),
        h("td", {}, s.active ? h("button", { type: "button", class: "danger disable",
          "aria-label": t("page.staff.disable.label", { name: `${s.name} (${s.id})` }),
          onclick: async () => {
            if (!window.confirm(t("page.staff.disable.confirm", { name: s.name }))) return;
            try {
              await gql(DISABLE, { id: s.id });
              await load();
              status(t("page.staff.disabled", { name: s.name }), "ok");
            } catch (e) { showError(e); }
          } }, t("page.staff.disable")) : "")));
      fill(results, staff.length
        ? h("table", { id: "staff" }, h("caption", {}, t("page.staff.title")),
          h("thead", {}, h("tr", {}, [...head(), t("page.staff.col.action")].map((x) => h("th", { scope: "col" }, x)))),
          h("tbody", {}, rows))
        : h("p", {}, t("page.staff.none")));
    };
    const exportBtn = h("button", { type: "button", class: "secondary", id: "export", onclick: () => {
      const name = `${t("page.staff.file")}-${today()}-${locale()}.csv`;
      downloadCsv(name, [head(), ...shown.map(cells)]);
      status(t("page.exported", { name }), "ok");
    } }, t("page.export.csv"));
    fill(main, h("h1", {}, t("page.staff.title")), filters, results, h("div", { class: "row" }, exportBtn), addForm(load));
    await load();
  },
});
