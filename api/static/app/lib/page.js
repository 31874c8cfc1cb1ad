// The frame every page shares: texts and language, sign-in check, the role's navigation,
// the language switch, a status line for messages and errors, body[data-state] for tests.
//
//   import { startPage } from "./lib/page.js";
//   startPage({ roles: ["caseworker", "coordinator"], title: "page.signin.title",
//               nav: "households", render: async ({ viewer, main }) => { ... } });
//
// States (document.body.dataset.state): loading -> ready | signin | forbidden | error.
import { describeError, clearToken, gql, token } from "./gql.js";
import { h, fill, select } from "./dom.js";
import { loadTexts, locale, locales, setLocale, t, translateDom } from "./i18n.js";

/** Each role's navigation: [id, text key, href]. The next pages add their entries here. */
export const NAV = {
  caseworker: [["households", "page.nav.households", "/app/households.html"],
    ["conference", "page.nav.conference", "/app/conference.html"],
    ["network", "page.nav.network", "/network/"]],
  coordinator: [["coordinator", "page.nav.coordinator", "/app/coordinator.html"],
    ["coverage", "page.nav.coverage", "/app/coverage.html"],
    ["overlaps", "page.nav.overlaps", "/app/overlaps.html"],
    ["overdue", "page.nav.overdue", "/app/overdue.html"],
    ["staff", "page.nav.staff", "/app/staff.html"],
    ["households", "page.nav.households", "/app/households.html"],
    ["conference", "page.nav.conference", "/app/conference.html"],
    ["network", "page.nav.network", "/network/"]],
  partner: [["inbox", "page.nav.inbox", "/app/inbox.html"],
    ["services", "page.nav.services", "/app/services.html"]],
};
/** Where each role starts after signing in. */
export const HOME = { caseworker: "/app/households.html", coordinator: "/app/coordinator.html",
  partner: "/app/inbox.html" };

const VIEWER = "query { viewer { role regionId organizationId staffId staffName locale timezone } }";

/** Who the token belongs to (null when no token is kept). */
export async function fetchViewer() {
  if (!token()) return null;
  return (await gql(VIEWER)).viewer;
}

export function roleName(role) {
  return t(`page.role.${role}`);
}

/** Show a sentence in the status line: kind "info", "ok" or "error" (errors are announced at once). */
export function status(text, kind = "info") {
  const el = document.getElementById("status");
  if (!el) return;
  el.textContent = text;
  el.dataset.kind = kind;
  el.setAttribute("role", kind === "error" ? "alert" : "status");
}

export function showError(e) {
  status(describeError(e), "error");
}

function header(viewer, navId) {
  let bar = document.getElementById("top");
  if (!bar) {
    bar = h("header", { id: "top" });
    document.body.prepend(bar);
  }
  const langSelect = select(locales().map((l) => [l, t(`page.lang.${l}`)]), locale(),
    { id: "lang", onchange: (ev) => setLocale(ev.target.value) });
  const items = viewer ? (NAV[viewer.role] || []) : [];
  const nav = items.length ? h("nav", { "aria-label": t("page.nav.label") },
    h("ul", {}, items.map(([id, key, href]) => h("li", {},
      h("a", { href, "aria-current": id === navId ? "page" : null }, t(key)))))) : null;
  const who = viewer && viewer.role !== "anonymous"
    ? h("span", { class: "who" }, t("page.signedin.as", { who: viewer.staffName || viewer.staffId ||
        viewer.regionId || viewer.organizationId || "", role: roleName(viewer.role) }))
    : null;
  const out = viewer && viewer.role !== "anonymous"
    ? h("button", { type: "button", id: "signout", onclick: () => { clearToken(); location.assign("/app/"); } },
      t("page.signout"))
    : null;
  fill(bar,
    h("a", { class: "skip", href: "#main" }, t("page.skip")),
    h("a", { class: "brand", href: "/app/" }, t("page.app.name")),
    nav,
    h("div", { class: "tools" }, who,
      h("label", { for: "lang" }, t("page.lang.label")), langSelect, out));
}

/**
 * Start a page: load texts, check the token's role, draw the frame, then ``render``.
 * ``roles``: who may use the page (others see why not); ``title``: its text key;
 * ``nav``: its id in NAV; ``render({ viewer, main })`` draws into <main id="main">.
 */
export async function startPage({ roles = null, title, nav = null, render }) {
  document.body.dataset.state = "loading";
  try {
    await loadTexts();
  } catch (e) {
    document.body.dataset.state = "error";
    throw e;
  }
  translateDom();
  if (title) document.title = `${t(title)} · ${t("page.app.name")}`;
  const main = document.getElementById("main");
  let viewer = null;
  try {
    viewer = await fetchViewer();
  } catch (e) {
    if (e.code === "UNAUTHENTICATED") clearToken();
    header(null, nav);
    showError(e);
    document.body.dataset.state = "signin";
    return;
  }
  header(viewer, nav);
  if (roles && (!viewer || !roles.includes(viewer.role))) {
    if (!viewer) {
      fill(main, h("p", {}, t("page.signin.needed"), " ",
        h("a", { href: `/app/?next=${encodeURIComponent(location.pathname + location.search)}` },
          t("page.signin.title"))));
      document.body.dataset.state = "signin";
    } else {
      fill(main, h("p", { role: "alert" }, t("page.wrongrole", { roles: roles.map(roleName).join(", ") })));
      document.body.dataset.state = "forbidden";
    }
    return;
  }
  try {
    await render({ viewer, main });
    document.body.dataset.state = "ready";
  } catch (e) {
    showError(e);
    document.body.dataset.state = "error";
  }
}
