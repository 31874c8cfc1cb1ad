// The coordinator's start page: where each of the coordinator's pages leads, in one list.
import { h, fill } from "./lib/dom.js";
import { t } from "./lib/i18n.js";
import { startPage } from "./lib/page.js";

const LINKS = [
  ["network", "/network/", "page.nav.network", "page.coord.network"],
  ["coverage", "/app/coverage.html", "page.nav.coverage", "page.coord.coverage"],
  ["overlaps", "/app/overlaps.html", "page.nav.overlaps", "page.coord.overlaps"],
  ["overdue", "/app/overdue.html", "page.nav.overdue", "page.coord.overdue"],
  ["staff", "/app/staff.html", "page.nav.staff", "page.coord.staff"],
  ["households", "/app/households.html", "page.nav.households", "page.coord.households"],
];

startPage({
  roles: ["coordinator"], title: "page.coord.title", nav: "coordinator",
  render: async ({ main }) => {
    fill(main, h("h1", {}, t("page.coord.title")), h("p", { class: "muted" }, t("page.coord.intro")),
      h("ul", { class: "plain links", id: "coord-links" }, LINKS.map(([id, href, name, what]) =>
        h("li", { class: "card", dataset: { link: id } }, h("a", { href }, t(name)), h("p", { class: "muted" }, t(what))))));
  },
});
