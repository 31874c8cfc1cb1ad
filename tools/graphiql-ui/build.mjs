// Build step of Dolbom's GraphiQL page: copy GraphiQL and React (their UMD builds,
// all MIT) from node_modules into api/static/graphiql/vendor/, with their licences,
// so the IDE on GET /graphql never loads anything from the internet (welfare offices
// work on separated networks, 망분리). The copied files are committed; `--check`
// fails when they differ from the locked packages (run by tests/e2e when
// node_modules is installed).
// The copy and the check are tools/browser/vendor.mjs's, shared with the network page.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { vendor } from "../browser/vendor.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "..", "..", "api", "static", "graphiql", "vendor");
const nm = join(here, "node_modules");
const files = [
  [join(nm, "react", "umd", "react.production.min.js"), "react.production.min.js"],
  [join(nm, "react", "LICENSE"), "react.LICENSE.txt"],
  [join(nm, "react-dom", "umd", "react-dom.production.min.js"), "react-dom.production.min.js"],
  [join(nm, "react-dom", "LICENSE"), "react-dom.LICENSE.txt"],
  [join(nm, "graphiql", "graphiql.min.js"), "graphiql.min.js"],
  [join(nm, "graphiql", "graphiql.min.css"), "graphiql.min.css"],
  [join(nm, "graphiql", "LICENSE"), "graphiql.LICENSE.txt"],
];
const versions = ["react", "react-dom", "graphiql"].map(
  (p) => `${p} ${JSON.parse(readFileSync(join(nm, p, "package.json"), "utf8")).version}`);
vendor(files, out, versions, {
  transform: (name, data) => (name.endsWith(".js") || name.endsWith(".css")
    // the source map comment would make a browser's developer tools fetch a file we do not ship
    ? Buffer.from(data.toString("utf8").replace(/\n?\/[*/][#@] sourceMappingURL=[^\n]*\s*$/, "\n"))
    : data),
});
