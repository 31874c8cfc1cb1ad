// Build step of the /network page: copy Cytoscape.js (MIT) from node_modules
// into api/static/network/vendor/, with its licence, so the page never loads
// anything from the internet. The copied files are committed; `--check` fails
// when they differ from the locked package (run by tests/e2e when node_modules
// is installed).
import { readFileSync, writeFileSync, mkdirSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "..", "..", "api", "static", "network", "vendor");
const pkg = join(here, "node_modules", "cytoscape");
const files = [
  [join(pkg, "dist", "cytoscape.min.js"), join(out, "cytoscape.min.js")],
  [join(pkg, "LICENSE"), join(out, "cytoscape.LICENSE.txt")],
];
const check = process.argv.includes("--check");
const version = JSON.parse(readFileSync(join(pkg, "package.json"), "utf8")).version;
let stale = [];
for (const [src, dst] of files) {
  const data = readFileSync(src);
  if (check) {
    if (!existsSync(dst) || !readFileSync(dst).equals(data)) stale.push(dst);
  } else {
    mkdirSync(dirname(dst), { recursive: true });
    writeFileSync(dst, data);
  }
}
if (check && stale.length) {
  console.error(`stale vendored files (run npm run build): ${stale.join(", ")}`);
  process.exit(1);
}
console.log(check ? `vendored cytoscape ${version} is up to date` : `vendored cytoscape ${version} into ${out}`);
