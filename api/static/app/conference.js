// The case conference: create one with an agenda (households chosen on "My households"), allocate
// scarce places across it, approve near-miss exceptions, decide, adopt the plan (referrals are
// sent), then print the minutes (print.css) or export them as CSV with a BOM (Korean Excel).
import { downloadCsv } from "./lib/csv.js";
import { h, fill, field, select, table } from "./lib/dom.js";
import { gql } from "./lib/gql.js";
import { fmtDate, locale, t, today, word } from "./lib/i18n.js";
import { showError, startPage, status } from "./lib/page.js";

const RES = "... on Service { id name } ... on Volunteer { id name }";
const CONF = `query($id: ID!) { conference(id: $id) { id date kind status minutes region { id name }
  agenda { id urgency needs { id domain status } }
  decisions { household { id } adoptedAt exceptions { resourceId reason note }
    items { index referralId resource { ${RES} } needs { id domain } referral { id status } } } } }`;
const LIST = `query { conferences(first: 10) { edges { node { id date kind status agenda { id } } } } }`;
const CREATE = `mutation($input: ConferenceInput!) { createConference(input: $input) { id } }`;
const ALLOCATE = `query($ids: [ID!]!) { allocate(householdIds: $ids) { optimal
  assignments { household { id } need { id domain } resource { ${RES} } }
  unmetNeeds { reason message need { id domain household { id } } } } }`;
const FLAGS = `query($id: ID!) { matchPackages(householdId: $id, limit: 1) {
  flags { kind reason message needIds serviceIds } } }`;
const DECIDE = `mutation($c: ID!, $h: ID!, $input: DecisionInput!) {
  decideHousehold(conferenceId: $c, householdId: $h, input: $input) { id } }`;
const ADOPT = `mutation($c: ID!) { adoptPlan(conferenceId: $c) { created conference { status } } }`;
const HELD = `mutation($c: ID!) { updateConference(id: $c, input: { status: HELD }) { id status } }`;
const KINDS = ["EMERGENCY", "REGULAR", "SOLUTION_COMMITTEE"];

function createForm(viewer, main) {
  const agenda = new URLSearchParams(location.search).get("households")
    || JSON.parse(sessionStorage.getItem("dolbom.agenda") || "[]").join(",");
  const date = h("input", { type: "date", value: today(), required: true });
  const kind = select(KINDS.map((k) => [k, word("ConferenceKind", k)]), "EMERGENCY");
  const ids = h("input", { type: "text", value: agenda, size: 50 });
  const notes = h("textarea", { rows: 3, cols: 60 });
  const form = h("form", { class: "card", id: "create" },
    h("h2", {}, t("page.conference.new")),
    h("div", { class: "filters" }, field(t("page.conference.date"), date), field(t("page.conference.kind"), kind)),
    field(t("page.conference.agendaIds"), ids), field(t("page.conference.notes"), notes),
    h("button", { type: "submit" }, t("page.conference.create")));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const input = { date: date.value, kind: kind.value, regionId: viewer.regionId,
      householdIds: ids.value.split(",").map((x) => x.trim()).filter(Boolean), minutes: notes.value || null };
    try {
      const { createConference } = await gql(CREATE, { input });
      sessionStorage.removeItem("dolbom.agenda");
      status(t("page.conference.created"), "ok");
      history.replaceState(null, "", `?id=${encodeURIComponent(createConference.id)}`);
      await showConference(createConference.id, main);
    } catch (e) { showError(e); }
  });
  return form;
}

async function listAndCreate(viewer, main) {
  const { conferences } = await gql(LIST);
  const rows = conferences.edges.map(({ node: c }) => [
    h("a", { href: `?id=${encodeURIComponent(c.id)}` }, fmtDate(c.date)), word("ConferenceKind", c.kind),
    word("ConferenceStatus", c.status), c.agenda.map((a) => a.id).join(", ")]);
  fill(main, h("h1", {}, t("page.conference.title")),
    viewer.regionId ? createForm(viewer, main) : null,
    rows.length ? table(t("page.conference.list"), [t("page.conference.col.date"), t("page.conference.kind"),
      t("page.conference.status"), t("page.conference.agenda")], rows, { id: "conference-list" })
      : h("p", {}, t("page.conference.none")));
}

/** The minutes as rows: one per decided item (or household without one). */
function minutesRows(conf) {
  const rows = [];
  for (const hh of conf.agenda) {
    const d = conf.decisions.find((x) => x.household.id === hh.id);
    if (!d || !d.items.length) {
      rows.push([hh.id, t("page.conference.noDecision"), "", "", "", ""]);
      continue;
    }
    for (const it of d.items) {
      const ex = d.exceptions.find((e) => e.resourceId === it.resource.id);
      rows.push([hh.id, it.resource.name, it.needs.map((n) => word("Domain", n.domain)).join(", "),
        it.referral ? it.referral.id : "", it.referral ? word("ReferralStatus", it.referral.status) : "",
        ex ? `${word("Reason", ex.reason)}: ${ex.note}` : ""]);
    }
  }
  return rows;
}
const MINUTE_COLS = ["household", "resource", "needs", "referral", "status", "exception"];

/** The minutes as CSV with a UTF-8 BOM (Korean Excel reads it): lib/csv.js. */
function exportCsv(conf) {
  const head = [[t("page.conference.title"), conf.id, conf.date, word("ConferenceKind", conf.kind),
    word("ConferenceStatus", conf.status)], MINUTE_COLS.map((c) => t(`page.conference.col.${c}`))];
  downloadCsv(`minutes-${conf.id}-${locale()}.csv`, [...head, ...minutesRows(conf)]);
}

async function showConference(id, main) {
  const { conference: conf } = await gql(CONF, { id });
  const ids = conf.agenda.map((a) => a.id);
  const plan = h("div", { id: "plan" });
  const minutes = h("section", { id: "minutes", "aria-labelledby": "minutes-h" },
    h("h2", { id: "minutes-h" }, t("page.conference.minutes")),
    conf.minutes ? h("p", {}, conf.minutes) : null,
    table(t("page.conference.minutes"), MINUTE_COLS.map((c) => t(`page.conference.col.${c}`)), minutesRows(conf),
      { id: "minutes-table" }));
  const adopted = conf.status === "ADOPTED";
  const allocateBtn = h("button", { type: "button", id: "allocate", disabled: adopted,
    onclick: () => allocate(conf, plan, main) }, t("page.conference.allocate"));
  const adoptBtn = h("button", { type: "button", id: "adopt", disabled: adopted || !conf.decisions.length,
    onclick: async () => {
      try {
        // adopting at the table: a planned conference is being held now (PLANNED -> HELD first)
        if (conf.status === "PLANNED") await gql(HELD, { c: conf.id });
        const { adoptPlan } = await gql(ADOPT, { c: conf.id });
        await showConference(conf.id, main);
        status(t("page.conference.adopted", { n: adoptPlan.created.length }), "ok");
      } catch (e) { showError(e); }
    } }, t("page.conference.adopt"));
  fill(main,
    h("h1", {}, t("page.conference.heading", { date: fmtDate(conf.date), kind: word("ConferenceKind", conf.kind) })),
    h("p", {}, `${t("page.conference.region")}: ${conf.region.name} · ${t("page.conference.status")}: `,
      h("span", { id: "conf-status", class: `badge ${adopted ? "ok" : ""}`, dataset: { status: conf.status } },
        word("ConferenceStatus", conf.status))),
    h("p", {}, `${t("page.conference.agenda")}: `, ids.map((x, i) => [i ? ", " : "",
      h("a", { href: `/app/household.html?id=${encodeURIComponent(x)}` }, x)])),
    h("div", { class: "row no-print" }, allocateBtn, adoptBtn,
      h("button", { type: "button", class: "secondary", id: "print", onclick: () => window.print() },
        t("page.conference.print")),
      h("button", { type: "button", class: "secondary", id: "export", onclick: () => exportCsv(conf) },
        t("page.conference.export"))),
    plan, minutes);
}

async function allocate(conf, plan, main) {
  const ids = conf.agenda.map((a) => a.id);
  let alloc;
  let flags;
  try {
    [{ allocate: alloc }, flags] = await Promise.all([gql(ALLOCATE, { ids }),
      Promise.all(ids.map((id) => gql(FLAGS, { id }).then((d) => [id, d.matchPackages[0]?.flags || []])))]);
  } catch (e) { showError(e); return; }
  const nearMisses = flags.flatMap(([hid, fs]) => fs.filter((f) => f.kind === "NEAR_MISS" &&
    ["NOT_ELIGIBLE_INCOME", "NOT_ELIGIBLE_TRAIT"].includes(f.reason)).flatMap((f) =>
    f.serviceIds.map((sid) => ({ hid, sid, f }))));
  const exceptionRows = nearMisses.map((x, i) => {
    const box = h("input", { type: "checkbox", id: `ex-${i}` });
    const note = h("input", { type: "text", size: 40, "aria-label": `${t("page.conference.exception.note")} (${x.hid}, ${x.sid})` });
    x.box = box;
    x.note = note;
    return h("li", { class: "card" }, h("label", { for: `ex-${i}`, class: "check" }, box,
      t("page.conference.exception.approve", { household: x.hid, resource: x.sid, reason: word("Reason", x.f.reason) })),
    h("p", { class: "muted" }, x.f.message), note);
  });
  const rows = alloc.assignments.map((a) => [a.household.id, a.resource.name, word("Domain", a.need.domain)]);
  const decideBtn = h("button", { type: "button", id: "decide", onclick: async () => {
    try {
      for (const hid of ids) {
        const byResource = new Map();
        for (const a of alloc.assignments.filter((x) => x.household.id === hid)) {
          if (!byResource.has(a.resource.id)) byResource.set(a.resource.id, []);
          byResource.get(a.resource.id).push(a.need.id);
        }
        const exceptions = [];
        for (const x of nearMisses.filter((n) => n.hid === hid && n.box.checked)) {
          if (!x.note.value.trim()) { status(t("page.conference.exception.noteNeeded"), "error"); x.note.focus(); return; }
          exceptions.push({ resourceId: x.sid, reason: x.f.reason, note: x.note.value.trim() });
          if (!byResource.has(x.sid)) byResource.set(x.sid, [...x.f.needIds]);
        }
        const items = [...byResource].map(([resourceId, needIds]) => ({ resourceId, needIds }));
        await gql(DECIDE, { c: conf.id, h: hid, input: { items, exceptions } });
      }
      await showConference(conf.id, main);
      status(t("page.conference.decided"), "ok");
    } catch (e) { showError(e); }
  } }, t("page.conference.decide"));
  fill(plan, h("h2", {}, t("page.conference.allocation")),
    alloc.optimal ? h("p", { class: "muted" }, t("page.conference.optimal")) : null,
    table(t("page.conference.allocation"), [t("page.conference.col.household"), t("page.conference.col.resource"),
      t("page.conference.col.needs")], rows, { id: "allocation" }),
    alloc.unmetNeeds.length ? h("div", {}, h("h3", {}, t("page.conference.unmet")), h("ul", { id: "unmet" },
      alloc.unmetNeeds.map((u) => h("li", {}, `${u.need.household.id} · ${word("Domain", u.need.domain)}: ${u.message}`)))) : null,
    h("h3", {}, t("page.conference.exceptions")),
    exceptionRows.length ? h("ul", { class: "plain", id: "exceptions" }, exceptionRows)
      : h("p", {}, t("page.conference.noExceptions")),
    decideBtn);
  decideBtn.focus();
}

startPage({
  roles: ["caseworker", "coordinator"], title: "page.conference.title", nav: "conference",
  render: async ({ viewer, main }) => {
    const id = new URLSearchParams(location.search).get("id");
    if (id) await showConference(id, main);
    else await listAndCreate(viewer, main);
  },
});
