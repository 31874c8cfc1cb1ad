// Build step of Dolbom's GraphiQL page: copy GraphiQL and React (their UMD builds,
// all MIT) from node_modules into api/static/graphiql/vendor/, with their licences,
// so the IDE on GET /graphql never loads anything from the internet (welfare offices
// work on separated networks, 망분리). The copied files are committed; `--check`
// fails when they differ from the locked packages (run by tests/e2e when
// node_modules is installed).
import { readFileSync, writeFileSync, mkdirSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

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
const check = process.argv.includes("--check");
const versions = ["react", "react-dom", "graphiql"].map(
  (p) => `${p} ${JSON.parse(readFileSync(join(nm, p, "package.json"), "utf8")).version}`);
const stale = [];
for (const [src, name] of files) {
  let data = readFileSync(src);
  if (name.endsWith(".js") || name.endsWith(".css")) {
    // the source map comment would make a browser's developer tools fetch a file we do not ship
    data = Buffer.from(data.toString("utf8").replace(/\n?\/[*/][#@] sourceMappingURL=[^\n]*\s*$/, "\n"));
  }
  const dst = join(out, name);
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
console.log(check ? `vendored ${versions.join(", ")} are up to date` : `vendored ${versions.join(", ")} into ${out}`);
