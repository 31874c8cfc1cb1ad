// The partner's referral inbox: referrals to the organization's services, a page at a time,
// filtered by status, service and date; each shows only what the partner may see of the household
// (id, area, the needs referred) and the case worker's reason. Accept; decline WITH a reason
// (required here: the case worker must learn why); mark delivered with an outcome note.
// Export the listed page as CSV with a BOM (lib/csv.js).
import { downloadCsv } from "./lib/csv.js";
import { h, fill, field, select } from "./lib/dom.js";
import { gql } from "./lib/gql.js";
import { fmtDateTime, locale, t, today, word, zonedTime } from "./lib/i18n.js";
import { showError, startPage, status } from "./lib/page.js";
import { pager } from "./lib/pager.js";

const PAGE = 20;
const RES = "... on Service { id name } ... on Volunteer { id name }";
const Q = `query($status: ReferralStatus, $serviceId: ID, $since: String, $first: Int, $after: String) {
  referrals(status: $status, serviceId: $serviceId, since: $since, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { id status reason createdAt updatedAt declineReason outcomeNote
      resource { ${RES} } household { id region { name } } needs { id domain severity } } } } }`;
const SERVICES = "query($org: ID!) { organization(id: $org) { id name services { id name } } }";
const MOVE = `mutation($id: ID!, $status: ReferralStatus!, $reason: String, $note: String) {
  updateReferral(id: $id, status: $status, reason: $reason, note: $note) { id status declineReason outcomeNote } }`;
const STATUSES = ["SENT", "ACCEPTED", "DELIVERED", "DECLINED", "CLOSED"];
const COLS = ["id", "household", "needs", "service", "reason", "received", "status", "note", "answer"];

const needsText = (r) => r.needs.map((n) => `${word("Domain", n.domain)} (${n.severity})`).join(", ");
const noteText = (r) => r.declineReason || r.outcomeNote || "";

startPage({
  roles: ["partner"], title: "page.inbox.title", nav: "inbox",
  render: async ({ viewer, main }) => {
    const params = new URLSearchParams(location.search);
    const org = viewer.organizationId ? (await gql(SERVICES, { org: viewer.organizationId })).organization : null;
    const statusSel = select([["", t("page.any")], ...STATUSES.map((s) => [s, word("ReferralStatus", s)])],
      params.get("status") || "", { id: "ref-status", name: "status" });
    const serviceSel = select([["", t("page.any")], ...(org ? org.services.map((s) => [s.id, s.name]) : [])],
      params.get("service") || "", { id: "ref-service", name: "service" });
    const since = h("input", { type: "date", id: "ref-since", name: "since", max: today(),
      value: params.get("since") || "" });
    const form = h("form", { class: "filters card", "aria-label": t("page.inbox.filters") },
      field(t("page.inbox.status"), statusSel), field(t("page.inbox.service"), serviceSel),
      field(t("page.inbox.since"), since),
      h("button", { type: "submit", id: "apply" }, t("page.inbox.apply")));
    const results = h("div", { id: "results" });
    let shown = [];
    const exportBtn = h("button", { type: "button", class: "secondary", id: "export", onclick: () => {
      const name = `${t("page.inbox.file")}-${today()}-${locale()}.csv`;
      downloadCsv(name, [COLS.slice(0, -1).map((c) => t(`page.inbox.col.${c}`)),
        ...shown.map((r) => [r.id, `${r.household.id} (${r.household.region.name})`, needsText(r), r.resource.name,
          r.reason || "", fmtDateTime(r.createdAt), word("ReferralStatus", r.status), noteText(r)])]);
      status(t("page.exported", { name }), "ok");
    } }, t("page.export.csv"));
    fill(main, h("h1", {}, t("page.inbox.title")), h("p", { class: "muted" }, t("page.inbox.intro")),
      form, results, h("div", { class: "row" }, exportBtn));

    const pages = pager(PAGE);

    // one row's answer: buttons, then (decline / deliver) a small form with its text and a confirm
    const answerCell = (r, reload) => {
      const cell = h("td", { class: "answer" });
      const move = async (st, vars, doneKey) => {
        try {
          await gql(MOVE, { id: r.id, status: st, ...vars });
          await reload();
          status(t(doneKey, { id: r.id }), "ok");
          document.querySelector(`tr[data-referral="${CSS.escape(r.id)}"] th`)?.focus();
        } catch (e) { showError(e); }
      };
      const askText = (labelKey, confirmKey, st, doneKey, { required }) => {
        const text = h("textarea", { rows: 2, cols: 30, id: `text-${r.id}`, required: required || null });
        const ok = h("button", { type: "submit", class: st === "DECLINED" ? "danger" : null }, t(confirmKey));
        const cancel = h("button", { type: "button", class: "secondary",
          onclick: () => { buttons(); } }, t("page.cancel"));
        const f = h("form", { class: "ask", novalidate: true }, field(t(labelKey), text), h("div", { class: "row" }, ok, cancel));
        f.addEventListener("submit", (ev) => {
          ev.preventDefault();
          const v = text.value.trim();
          if (required && !v) {
            status(t("page.inbox.decline.needed"), "error");
            text.setAttribute("aria-invalid", "true");
            text.focus();
            return;
          }
          move(st, st === "DECLINED" ? { reason: v } : { note: v || null }, doneKey);
        });
        fill(cell, f);
        text.focus();
      };
      const buttons = () => {
        if (r.status === "SENT") {
          fill(cell, h("div", { class: "row" },
            h("button", { type: "button", class: "accept", "aria-label": t("page.inbox.accept.label", { id: r.id }),
              onclick: () => move("ACCEPTED", {}, "page.inbox.accepted") }, t("page.inbox.accept")),
            h("button", { type: "button", class: "secondary decline",
              "aria-label": t("page.inbox.decline.label", { id: r.id }),
              onclick: () => askText("page.inbox.decline.reason", "page.inbox.decline.confirm", "DECLINED",
                "page.inbox.declined", { required: true }) }, t("page.inbox.decline"))));
        } else if (r.status === "ACCEPTED") {
          fill(cell, h("button", { type: "button", class: "deliver",
            "aria-label": t("page.inbox.deliver.label", { id: r.id }),
            onclick: () => askText("page.inbox.deliver.note", "page.inbox.deliver.confirm", "DELIVERED",
              "page.inbox.delivered", { required: false }) }, t("page.inbox.deliver")));
        } else {
          fill(cell, h("span", { class: "muted" }, t("page.inbox.noAction")));
        }
      };
      buttons();
      return cell;
    };

    const load = async () => {
      document.body.dataset.state = "loading";
      const vars = { first: PAGE, after: pages.after(), status: statusSel.value || null,
        serviceId: serviceSel.value || null, since: since.value ? zonedTime(since.value) : null };
      let data;
      try {
        data = (await gql(Q, vars)).referrals;
      } catch (e) {
        showError(e);
        document.body.dataset.state = "error";
        return;
      }
      shown = data.edges.map((e) => e.node);
      const rows = shown.map((r) => h("tr", { dataset: { referral: r.id, status: r.status } },
        h("th", { scope: "row", tabindex: "-1" }, r.id),
        h("td", {}, `${r.household.id} (${r.household.region.name})`),
        h("td", {}, needsText(r)), h("td", {}, r.resource.name), h("td", { class: "reason" }, r.reason || ""),
        h("td", {}, fmtDateTime(r.createdAt)),
        h("td", {}, h("span", { class: `badge ${r.status === "DECLINED" ? "overdue" : r.status === "SENT" ? "" : "ok"}` },
          word("ReferralStatus", r.status))),
        h("td", { class: "note" }, noteText(r)), answerCell(r, load)));
      const { from, to } = pages.range(data.totalCount, shown.length);
      const [prev, next] = pages.buttons(data.pageInfo, load);
      fill(results,
        shown.length
          ? h("table", { id: "inbox", dataset: { total: data.totalCount } },
            h("caption", {}, t("page.inbox.count", { total: data.totalCount, from, to })),
            h("thead", {}, h("tr", {}, COLS.map((c) => h("th", { scope: "col" }, t(`page.inbox.col.${c}`))))),
            h("tbody", {}, rows))
          : h("p", { id: "inbox-empty" }, t("page.inbox.empty")),
        h("nav", { class: "row", "aria-label": t("page.inbox.count", { total: data.totalCount, from, to }) }, prev, next));
      exportBtn.disabled = !shown.length;
      document.body.dataset.state = "ready";
    };
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      pages.restart();
      const q = new URLSearchParams();
      for (const [k, el] of [["status", statusSel], ["service", serviceSel], ["since", since]]) if (el.value) q.set(k, el.value);
      history.replaceState(null, "", `?${q}`);
      load();
    });
    await load();
  },
});
