// Build step of the /network page: copy Cytoscape.js (MIT) from node_modules
// into api/static/network/vendor/, with its licence, so the page never loads
// anything from the internet. The copied files are committed; `--check` fails
// when they differ from the locked package (run by tests/e2e when node_modules
// is installed).
// The copy and the check are tools/browser/vendor.mjs's, shared with the GraphiQL page.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { vendor } from "../browser/vendor.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "..", "..", "api", "static", "network", "vendor");
const pkg = join(here, "node_modules", "cytoscape");
const files = [
  [join(pkg, "dist", "cytoscape.min.js"), "cytoscape.min.js"],
  [join(pkg, "LICENSE"), "cytoscape.LICENSE.txt"],
];
const version = JSON.parse(readFileSync(join(pkg, "package.json"), "utf8")).version;
vendor(files, out, [`cytoscape ${version}`]);
