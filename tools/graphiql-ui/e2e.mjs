// GraphiQL in a real browser (playwright-core driving Debian's chromium; no browser
// download). Run by tests/e2e/test_graphiql_page.py, which starts the server:
//
//   node e2e.mjs --url http://127.0.0.1:PORT/graphql --token TOKEN --shots DIR
//
// Every request that leaves loopback is aborted and reported (the IDE must work on a
// network cut off from the internet). Steps: the IDE renders; the Authorization
// header and a query are put in its editors; the run button is pressed; the answer
// appears. Prints one JSON object on stdout.
// chromium and playwright-core (the copy installed for the network page) through tools/browser/walk.mjs
import { LOOPBACK, args, launch } from "../browser/walk.mjs";
import { mkdirSync } from "node:fs";
import { join } from "node:path";

const opts = args(["url", "token", "shots"]);
mkdirSync(opts.shots, { recursive: true });
const result = { external: [], consoleErrors: [], requests: [] };
const browser = await launch();
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.on("console", (m) => { if (m.type() === "error") result.consoleErrors.push(m.text()); });
  page.on("pageerror", (e) => result.consoleErrors.push(String(e)));
  await page.route("**/*", (route) => {
    const url = new URL(route.request().url());
    if (url.protocol === "data:" || url.protocol === "blob:" || LOOPBACK.has(url.hostname)) {
      result.requests.push(url.pathname);
      return route.continue();
    }
    result.external.push(route.request().url());
    return route.abort("blockedbyclient");
  });
  const response = await page.goto(opts.url, { waitUntil: "load" });
  result.status = response.status();
  result.csp = response.headers()["content-security-policy"] || null;
  await page.waitForSelector(".graphiql-container .graphiql-query-editor .CodeMirror", { timeout: 20000 });
  result.rendered = true;
  await page.screenshot({ path: join(opts.shots, "1-rendered.png") });
  await page.evaluate(([token]) => {
    const query = document.querySelector(".graphiql-query-editor .CodeMirror").CodeMirror;
    query.setValue("query Ping { services(first: 2) { totalCount edges { node { id } } } }");
    const editors = [...document.querySelectorAll(".graphiql-editor-tool .CodeMirror")];
    // the tools pane holds the variables and the headers editors; the headers one is last
    editors[editors.length - 1].CodeMirror.setValue(JSON.stringify({ Authorization: `Bearer ${token}` }));
  }, [opts.token]);
  await page.click(".graphiql-execute-button");
  await page.waitForFunction(() => {
    const el = document.querySelector(".graphiql-response .CodeMirror");
    return el && el.CodeMirror.getValue().includes("totalCount");
  }, null, { timeout: 20000 });
  result.answer = JSON.parse(await page.evaluate(
    () => document.querySelector(".graphiql-response .CodeMirror").CodeMirror.getValue()));
  await page.screenshot({ path: join(opts.shots, "2-answered.png") });
} catch (e) {
  result.error = String(e && e.stack || e);
} finally {
  await browser.close();
}
console.log(JSON.stringify(result));
