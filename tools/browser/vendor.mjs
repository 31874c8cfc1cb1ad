// The build step the browser pages share: copy files from a tool's node_modules into
// api/static/<page>/vendor/ (committed, so a page never loads anything from the internet),
// or with `--check` on the command line fail when the committed copies differ from the
// locked packages (run by tests/e2e when node_modules is installed).
//
//   vendor(files, out, what, { transform })
//
// `files` are [source, name in out] pairs; `what` names the packages and versions for the
// closing line; `transform(name, bytes)` may rewrite a file on the way (the same way for
// --check).
import { readFileSync, writeFileSync, mkdirSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";

export function vendor(files, out, what, { transform = (name, data) => data } = {}) {
  const check = process.argv.includes("--check");
  const stale = [];
  for (const [src, name] of files) {
    const data = transform(name, readFileSync(src));
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
  console.log(check ? `vendored ${what.join(", ")} ${what.length > 1 ? "are" : "is"} up to date`
    : `vendored ${what.join(", ")} into ${out}`);
}
