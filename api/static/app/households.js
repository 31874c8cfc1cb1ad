// My households: the case worker's region's cases, filtered by urgency, case status and the
// response deadline, a page at a time; households can be chosen for a conference's agenda.
import { h, fill, field, select } from "./lib/dom.js";
import { gql } from "./lib/gql.js";
import { fmtDate, t, word } from "./lib/i18n.js";
import { showError, startPage } from "./lib/page.js";
import { pager } from "./lib/pager.js";

const PAGE = 20;
const Q = `query($status: CaseStatus, $urgency: Urgency, $overdue: Boolean, $first: Int, $after: String) {
  households(status: $status, urgency: $urgency, overdue: $overdue, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { id size urgency caseStatus reviewOn region { name } caseManager { name }
      needs { domain status } } } } }`;

const URGENCY = ["EMERGENCY", "FOCUSED", "GENERAL"];
const STATUS = ["OPEN", "IN_CONFERENCE", "MONITORING", "CLOSED", "REOPENED"];
const chosen = new Set(JSON.parse(sessionStorage.getItem("dolbom.agenda") || "[]"));
const keepChosen = () => sessionStorage.setItem("dolbom.agenda", JSON.stringify([...chosen]));

startPage({
  roles: ["caseworker", "coordinator"], title: "page.households.title", nav: "households",
  render: async ({ main }) => {
    const params = new URLSearchParams(location.search);
    const urgency = select([["", t("page.households.any")], ...URGENCY.map((u) => [u, word("Urgency", u)])],
      params.get("urgency") || "", { id: "urgency", name: "urgency" });
    const status = select([["", t("page.households.any")], ...STATUS.map((s) => [s, word("CaseStatus", s)])],
      params.get("status") || "", { id: "case-status", name: "status" });
    const overdue = select([["", t("page.households.any")], ["true", t("page.households.overdue.yes")],
      ["false", t("page.households.overdue.no")]], params.get("overdue") || "", { id: "overdue", name: "overdue" });
    const form = h("form", { class: "filters card", "aria-label": t("page.households.filters") },
      field(t("page.households.urgency"), urgency), field(t("page.households.status"), status),
      field(t("page.households.overdue"), overdue),
      h("button", { type: "submit", id: "apply" }, t("page.households.apply")));
    const results = h("div", { id: "results" });
    const chosenLine = h("span", { id: "chosen", "aria-live": "polite" });
    const toConf = h("button", { type: "button", id: "to-conference", class: "secondary",
      onclick: () => location.assign(`/app/conference.html?households=${encodeURIComponent([...chosen].join(","))}`) },
    t("page.households.toConference"));
    const showChosen = () => {
      chosenLine.textContent = t("page.households.chosen", { n: chosen.size });
      toConf.disabled = chosen.size === 0;
    };
    showChosen();
    fill(main, h("h1", {}, t("page.households.title")), form, results, h("div", { class: "row" }, chosenLine, toConf));

    const pages = pager(PAGE);
    const load = async () => {
      const vars = { first: PAGE, after: pages.after(), urgency: urgency.value || null, status: status.value || null,
        overdue: overdue.value === "" ? null : overdue.value === "true" };
      document.body.dataset.state = "loading";
      let data;
      try {
        data = (await gql(Q, vars)).households;
      } catch (e) {
        showError(e);
        document.body.dataset.state = "error";
        return;
      }
      const rows = data.edges.map(({ node: n }) => {
        const open = n.needs.filter((x) => x.status === "OPEN").map((x) => word("Domain", x.domain));
        const box = h("input", { type: "checkbox", value: n.id, checked: chosen.has(n.id),
          "aria-label": t("page.households.choose", { id: n.id }),
          onchange: (ev) => { if (ev.target.checked) chosen.add(n.id); else chosen.delete(n.id); keepChosen(); showChosen(); } });
        return h("tr", { dataset: { household: n.id } },
          h("td", {}, box),
          h("th", { scope: "row" }, h("a", { href: `/app/household.html?id=${encodeURIComponent(n.id)}` }, n.id)),
          h("td", {}, n.region.name), h("td", {}, String(n.size)),
          h("td", {}, h("span", { class: `badge ${n.urgency}` }, word("Urgency", n.urgency))),
          h("td", {}, word("CaseStatus", n.caseStatus)), h("td", {}, open.join(", ") || t("page.none")),
          h("td", {}, n.caseManager ? n.caseManager.name : ""), h("td", {}, fmtDate(n.reviewOn)));
      });
      const cols = ["choose", "id", "region", "size", "urgency", "status", "needs", "manager", "review"];
      const head = cols.map((c) => h("th", { scope: "col" },
        t(c === "urgency" ? "page.households.urgency" : c === "status" ? "page.households.status"
          : `page.households.col.${c}`)));
      const { from, to } = pages.range(data.totalCount, data.edges.length);
      const [prev, next] = pages.buttons(data.pageInfo, load,
        { prev: "page.households.prev", next: "page.households.next" });
      fill(results,
        data.edges.length
          ? h("table", { id: "households", dataset: { total: data.totalCount } },
            h("caption", {}, t("page.households.count", { total: data.totalCount, from, to })),
            h("thead", {}, h("tr", {}, head)), h("tbody", {}, rows))
          : h("p", { id: "households-empty" }, t("page.households.empty")),
        h("nav", { class: "row", "aria-label": t("page.households.count", { total: data.totalCount, from, to }) },
          prev, next));
      document.body.dataset.state = "ready";
    };
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      pages.restart();
      const q = new URLSearchParams();
      for (const [k, el] of [["urgency", urgency], ["status", status], ["overdue", overdue]]) if (el.value) q.set(k, el.value);
      history.replaceState(null, "", `?${q}`);
      load();
    });
    await load();
  },
});
