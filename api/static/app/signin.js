// The sign-in page: a pasted token is tried with the viewer query; accepted, it is kept in
// sessionStorage (this tab only) and the page goes on to ?next= or the role's start page.
import { h, fill } from "./lib/dom.js";
import { clearToken, describeError, gql, setToken, token } from "./lib/gql.js";
import { t } from "./lib/i18n.js";
import { HOME, roleName, startPage, status } from "./lib/page.js";

const VIEWER = "query { viewer { role staffId staffName regionId organizationId } }";

function nextPage(role) {
  const next = new URLSearchParams(location.search).get("next");
  // only a path of this server: never a redirect elsewhere
  if (next && next.startsWith("/") && !next.startsWith("//")) return next;
  return HOME[role] || "/app/";
}

function signedIn(viewer) {
  const who = `${roleName(viewer.role)}${viewer.staffName ? ` ${viewer.staffName}` : ""}`;
  const box = document.getElementById("signed");
  fill(box, t("page.signin.done", { who }), " ",
    h("a", { href: nextPage(viewer.role), id: "go" }, t("page.signin.go")));
  box.hidden = false;
}

startPage({
  title: "page.signin.title",
  render: async ({ viewer }) => {
    if (viewer && viewer.role !== "anonymous") signedIn(viewer);
    document.getElementById("signin").addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const value = document.getElementById("token").value.trim();
      if (!value) {
        status(t("page.signin.empty"), "error");
        return;
      }
      document.body.dataset.state = "loading";
      try {
        const v = (await gql(VIEWER, {}, { tokenOverride: value })).viewer;
        setToken(value);
        status(t("page.signin.done", { who: roleName(v.role) }), "ok");
        document.body.dataset.state = "ready";
        location.assign(nextPage(v.role));
      } catch (e) {
        if (token() === value) clearToken();
        status(e.code === "UNAUTHENTICATED" ? t("page.signin.refused") : describeError(e), "error");
        document.body.dataset.state = "refused";
      }
    });
  },
});
