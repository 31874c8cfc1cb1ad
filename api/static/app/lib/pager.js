// Cursor paging over a GraphQL connection, as the list pages show it: `size` rows at a time with
// "previous" and "next". The cursor of each page seen is kept, so "previous" asks for the same page
// again; `restart()` goes back to the first page (new filters).
import { h } from "./dom.js";
import { t } from "./i18n.js";

export function pager(size) {
  const cursors = [null];
  let at = 0;
  return {
    // the `after` argument of the page to show
    after: () => cursors[at],
    restart() {
      cursors.length = 1;
      at = 0;
    },
    // the numbers of the page's first and last row of `total` (from 0 when there are none)
    range(total, shown) {
      const from = total ? at * size + 1 : 0;
      return { from, to: from + Math.max(shown - 1, 0) };
    },
    // the two buttons under a page whose connection answered `pageInfo`; `load` shows the page they move to
    buttons(pageInfo, load, { prev = "page.prev", next = "page.next" } = {}) {
      return [
        h("button", { type: "button", class: "secondary", id: "prev", disabled: at === 0,
          onclick: () => { at -= 1; load(); } }, t(prev)),
        h("button", { type: "button", class: "secondary", id: "next", disabled: !pageInfo.hasNextPage,
          onclick: () => { if (cursors.length <= at + 1) cursors.push(pageInfo.endCursor); at += 1; load(); } },
        t(next)),
      ];
    },
  };
}
