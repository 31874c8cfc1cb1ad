// One household: needs, current services, consent, suggested packages with their reasons and
// flags (refer from a package item: createReferral), referrals with follow-up dates, the case history.
import { h, fill, field, select, table } from "./lib/dom.js";
import { gql } from "./lib/gql.js";
import { fmtDate, fmtDateTime, t, today, word } from "./lib/i18n.js";
import { showError, startPage, status } from "./lib/page.js";

const RES = "__typename ... on Service { id name provider { name sector } } ... on Volunteer { id name }";
const HOUSEHOLD = `query($id: ID!) { household(id: $id) {
  id size incomePercent traits urgency caseStatus reviewOn region { id name } caseManager { name }
  needs { id domain severity status detail }
  receipts { id name provider { name } }
  referrals { id status createdAt followUpOn resource { ${RES} } needs { id domain } }
  consents { id domains organizationIds givenOn method active revokedOn }
  caseHistory { at kind from to reason note staffName role } } }`;
const PACKAGES = `query($id: ID!) { matchPackages(householdId: $id, limit: 3) {
  rank coveredDomains missingDomains providerCount
  items { reasons resource { ${RES} } needs { id domain } }
  flags { kind domain message reason } } }`;
const REFER = `mutation($input: ReferralInput!) { createReferral(input: $input) { id status } }`;
// a new referral is PROPOSED; sending it (SENT) puts it in the partner's inbox
const SEND = `mutation($id: ID!) { updateReferral(id: $id, status: SENT) { id status } }`;
const FOLLOW = `mutation($id: ID!, $on: Date) { setFollowUp(referralId: $id, on: $on) { id followUpOn } }`;
const CONSENT = `mutation($h: ID!, $input: ConsentInput!) { recordConsent(householdId: $h, input: $input) { id } }`;
const REVOKE = `mutation($h: ID!, $c: ID!) { revokeConsent(householdId: $h, consentId: $c) { id active } }`;
const METHODS = ["WRITTEN", "ORAL", "DIGITAL", "GUARDIAN"];

const newId = (prefix) => `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}`;
const domains = (list) => list.map((d) => word("Domain", d)).join(", ");

function summary(hh) {
  const dl = h("dl", { class: "card", id: "summary" });
  const row = (k, v) => dl.append(h("dt", {}, t(k)), h("dd", {}, v));
  row("page.household.region", hh.region.name);
  row("page.household.size", String(hh.size));
  row("page.household.income", `${hh.incomePercent}%`);
  row("page.households.urgency", h("span", { class: `badge ${hh.urgency}` }, word("Urgency", hh.urgency)));
  row("page.households.status", word("CaseStatus", hh.caseStatus));
  row("page.household.traits", hh.traits.map((x) => word("HouseholdTrait", x)).join(", ") || t("page.none"));
  row("page.household.manager", hh.caseManager ? hh.caseManager.name : t("page.none"));
  row("page.household.review", hh.reviewOn ? fmtDate(hh.reviewOn) : t("page.none"));
  return dl;
}

function needsTable(hh) {
  return table(t("page.household.needs"),
    ["domain", "severity", "status", "detail"].map((c) => t(`page.household.need.${c}`)),
    hh.needs.map((n) => [word("Domain", n.domain), String(n.severity), word("NeedStatus", n.status), n.detail || ""]),
    { id: "needs" });
}

function referForm(hh, item, onSent) {
  const reason = h("textarea", { rows: 2, cols: 50, name: "reason" });
  const box = h("form", { class: "card refer-form" },
    field(t("page.household.refer.reason"), reason),
    h("div", { class: "row" }, h("button", { type: "submit" }, t("page.household.refer.send")),
      h("button", { type: "button", class: "secondary", onclick: () => box.remove() }, t("page.household.refer.cancel"))));
  box.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const input = { id: newId("ref"), householdId: hh.id, resourceId: item.resource.id,
      needIds: item.needs.map((n) => n.id), reason: reason.value.trim() || null };
    try {
      await gql(REFER, { input });
      await gql(SEND, { id: input.id });
      status(t("page.household.refer.sent", { resource: item.resource.name }), "ok");
      box.remove();
      await onSent();
    } catch (e) {
      showError(e);
    }
  });
  return box;
}

function packagesSection(hh, packages, reload) {
  if (!packages.length) return h("p", {}, t("page.household.package.none"));
  return packages.map((p) => h("section", { class: "card package", dataset: { rank: p.rank },
    "aria-labelledby": `pkg-${p.rank}` },
  h("h3", { id: `pkg-${p.rank}` }, t("page.household.package.title", { rank: p.rank })),
  h("p", {}, `${t("page.household.package.covered")}: ${domains(p.coveredDomains) || t("page.none")} · `,
    `${t("page.household.package.missing")}: ${domains(p.missingDomains) || t("page.none")} · `,
    t("page.household.package.providers", { n: p.providerCount })),
  h("ul", { class: "plain" }, p.items.map((item) => {
    const slot = h("div");
    return h("li", { class: "card item", dataset: { resource: item.resource.id } },
      h("strong", {}, item.resource.name),
      item.resource.provider ? h("span", { class: "muted" }, ` — ${item.resource.provider.name}`) : null,
      h("p", {}, `${t("page.household.package.for")}: ${domains(item.needs.map((n) => n.domain))}`),
      h("details", { open: true }, h("summary", {}, t("page.household.package.reasons")),
        h("ul", { class: "reasons" }, item.reasons.map((r) => h("li", {}, r)))),
      h("button", { type: "button", class: "refer", onclick: () => {
        if (!slot.firstChild) {
          slot.append(referForm(hh, item, reload));
          slot.querySelector("textarea").focus();
        }
      } }, t("page.household.refer", { resource: item.resource.name })), slot);
  })),
  p.flags.length ? h("div", {}, h("h4", {}, t("page.household.package.flags")),
    p.flags.map((f) => h("p", { class: `flag ${f.kind}`, dataset: { reason: f.reason } },
      h("strong", {}, `${word("FlagKind", f.kind)}: `), f.message))) : null));
}

function referralsTable(hh, reload) {
  const rows = hh.referrals.map((r) => {
    const date = h("input", { type: "date", value: r.followUpOn || "",
      "aria-label": t("page.household.followup.label", { resource: r.resource.name }) });
    const save = h("button", { type: "button", class: "secondary", onclick: async () => {
      try {
        await gql(FOLLOW, { id: r.id, on: date.value || null });
        status(t("page.household.followup.saved"), "ok");
        await reload();
      } catch (e) { showError(e); }
    } }, t("page.household.followup.save"));
    return [r.resource.name, word("ReferralStatus", r.status), fmtDateTime(r.createdAt), h("div", { class: "row" }, date, save)];
  });
  return table(t("page.household.referrals"),
    ["resource", "status", "created", "followup"].map((c) => t(`page.household.ref.${c}`)), rows, { id: "referrals" });
}

function consentSection(hh, reload) {
  const rows = hh.consents.map((c) => [
    [domains(c.domains), c.organizationIds.join(", ")].filter(Boolean).join(" / "), fmtDate(c.givenOn),
    word("ConsentMethod", c.method),
    c.active ? t("page.household.consent.active") : t("page.household.consent.revoked", { day: fmtDate(c.revokedOn) }),
    c.active ? h("button", { type: "button", class: "secondary", onclick: async () => {
      try {
        await gql(REVOKE, { h: hh.id, c: c.id });
        status(t("page.household.consent.revokedNow"), "ok");
        await reload();
      } catch (e) { showError(e); }
    } }, t("page.household.consent.revoke", { id: c.id })) : ""]);
  const needDomains = [...new Set(hh.needs.map((n) => n.domain))];
  const boxes = needDomains.map((d) => h("label", { class: "check" },
    h("input", { type: "checkbox", value: d, checked: true, name: "domain" }), word("Domain", d)));
  const method = select(METHODS.map((m) => [m, word("ConsentMethod", m)]), "WRITTEN");
  const given = h("input", { type: "date", value: today(), required: true });
  const form = h("form", { class: "card", id: "consent-form" },
    h("fieldset", {}, h("legend", {}, t("page.household.consent.domains")), h("div", { class: "row" }, boxes)),
    h("div", { class: "filters" }, field(t("page.household.consent.method"), method),
      field(t("page.household.consent.given"), given),
      h("button", { type: "submit" }, t("page.household.consent.record"))));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const picked = [...form.querySelectorAll("input[name=domain]:checked")].map((x) => x.value);
    if (!picked.length) { status(t("page.household.consent.pick"), "error"); return; }
    try {
      await gql(CONSENT, { h: hh.id, input: { id: newId("consent"), domains: picked, givenOn: given.value,
        method: method.value } });
      status(t("page.household.consent.saved"), "ok");
      await reload();
    } catch (e) { showError(e); }
  });
  return [table(t("page.household.consent"), ["scope", "given", "method", "state"]
    .map((c) => t(`page.household.consent.${c}`)).concat([""]), rows, { id: "consents" }), form];
}

function historyTable(hh) {
  return table(t("page.household.history"), ["at", "what", "who", "why"].map((c) => t(`page.household.history.${c}`)),
    hh.caseHistory.slice().reverse().map((e) => [fmtDateTime(e.at),
      [e.kind, e.from && e.to ? `${word("CaseStatus", e.from)} → ${word("CaseStatus", e.to)}` : e.to || ""]
        .filter(Boolean).join(": "),
      e.staffName || (e.role ? t(`page.role.${e.role}`) : ""), [e.reason, e.note].filter(Boolean).join(" — ")]),
    { id: "history" });
}

startPage({
  roles: ["caseworker", "coordinator"], title: "page.households.title", nav: "households",
  render: async ({ main }) => {
    const id = new URLSearchParams(location.search).get("id");
    if (!id) { fill(main, h("p", { role: "alert" }, t("page.household.missing"))); return; }
    const draw = async () => {
      const [{ household: hh }, { matchPackages: packages }] = await Promise.all(
        [gql(HOUSEHOLD, { id }), gql(PACKAGES, { id })]);
      document.title = `${t("page.household.title", { id: hh.id })} · ${t("page.app.name")}`;
      const reload = async () => { await draw(); };
      fill(main,
        h("h1", {}, t("page.household.title", { id: hh.id })),
        h("h2", {}, t("page.household.summary")), summary(hh),
        h("h2", {}, t("page.household.needs")), needsTable(hh),
        h("h2", {}, t("page.household.current")),
        h("ul", { id: "receipts" }, hh.receipts.length
          ? hh.receipts.map((s) => h("li", {}, `${s.name} — ${s.provider.name}`)) : h("li", {}, t("page.none"))),
        h("h2", {}, t("page.household.consent")), consentSection(hh, reload),
        h("h2", {}, t("page.household.packages")), h("div", { id: "packages" }, packagesSection(hh, packages, reload)),
        h("h2", {}, t("page.household.referrals")), referralsTable(hh, reload),
        h("h2", {}, t("page.household.history")), historyTable(hh));
    };
    await draw();
  },
});
