// End-to-end walk of the /network page in a real browser (playwright-core
// driving Debian's chromium; no browser download). Run by
// tests/e2e/test_network_page.py, which starts the server and checks the
// figures this script prints as one JSON object on stdout:
//
//   node e2e.mjs --url http://127.0.0.1:PORT/network/ --token TOKEN \
//                --region REGION_ID --kinds SERVICE,ORGANIZATION --shots DIR
//
// Steps: a wrong token is refused with a clear message; the right token
// signs in and draws the default view; a region and kinds filter is applied
// and redrawn; a node is clicked and its details appear; the heatmap view is
// opened. A screenshot is saved after each step.
import { args, launch } from "../browser/walk.mjs";
import { mkdirSync } from "node:fs";
import { join } from "node:path";

const opts = args(["url", "token", "shots"]);
mkdirSync(opts.shots, { recursive: true });
const result = { steps: [] };
const browser = await launch();
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  const consoleErrors = [];
  // the wrong-token step makes the browser log its HTTP 401: expected, not an error of the page
  page.on("console", (m) => {
    if (m.type() === "error" && !m.text().includes("401 (Unauthorized)")) consoleErrors.push(m.text());
  });
  page.on("pageerror", (e) => consoleErrors.push(String(e)));
  const shot = async (name) => {
    const path = join(opts.shots, `${String(result.steps.length + 1).padStart(2, "0")}-${name}.png`);
    await page.screenshot({ path });
    result.steps.push({ name, screenshot: path });
  };
  const waitSettled = () => page.waitForFunction(
    () => ["ready", "refused", "error"].includes(document.body.dataset.state), null, { timeout: 60_000 });

  await page.goto(opts.url);
  await page.getByLabel("Access token").fill("not-a-token");
  await page.getByRole("button", { name: "Sign in" }).click();
  await waitSettled();
  result.refused = { state: await page.evaluate(() => document.body.dataset.state),
    message: await page.locator("#status").textContent() };
  await shot("wrong-token");

  // sign in: the default view
  await page.getByLabel("Access token").fill(opts.token);
  const t0 = Date.now();
  await page.getByRole("button", { name: "Sign in" }).click();
  await waitSettled();
  result.signedIn = {
    state: await page.evaluate(() => document.body.dataset.state),
    seconds: (Date.now() - t0) / 1000,
    drawn: await page.evaluate(() => window.dolbomNetwork.drawnNodes()),
    shown: Number(await page.locator("#node-count").textContent()),
    kinds: await page.evaluate(() => [...document.querySelectorAll("#kinds input:checked")].map((x) => x.value)),
    drawMs: await page.locator("#draw-time").textContent(),
    tokenInSession: await page.evaluate(() => sessionStorage.getItem("dolbom.token") !== null),
  };
  await shot("signed-in");

  // a filter: one region, some kinds
  const kinds = (opts.kinds || "SERVICE,ORGANIZATION,REGION").split(",");
  for (const box of await page.locator("#kinds input").all()) {
    const want = kinds.includes(await box.getAttribute("value"));
    if ((await box.isChecked()) !== want) await box.setChecked(want);
  }
  if (opts.region) await page.getByRole("combobox", { name: "Region" }).selectOption(opts.region);
  const t1 = Date.now();
  await page.getByRole("button", { name: "Apply filters" }).click();
  await page.waitForFunction(() => document.body.dataset.state === "loading" || document.body.dataset.state === "ready");
  await waitSettled();
  result.filtered = { region: opts.region || null, kinds,
    state: await page.evaluate(() => document.body.dataset.state),
    drawn: await page.evaluate(() => window.dolbomNetwork.drawnNodes()),
    shown: Number(await page.locator("#node-count").textContent()),
    seconds: (Date.now() - t1) / 1000,
    drawMs: await page.locator("#draw-time").textContent() };
  await shot("filtered");

  // click a node (a service if there is one) at its drawn position
  const target = await page.evaluate(() => {
    const services = window.dolbomNetwork.nodeIds("SERVICE");
    return services[0] || window.dolbomNetwork.nodeIds()[0];
  });
  if (target) {
    await page.evaluate((id) => window.dolbomNetwork.select(id), target);  // centres it
    await page.waitForTimeout(400);
    const box = await page.locator("#graph").boundingBox();
    const pos = await page.evaluate((id) => window.dolbomNetwork.renderedPosition(id), target);
    await page.evaluate(() => window.dolbomNetwork.clearSelection());
    await page.mouse.click(box.x + pos.x, box.y + pos.y);
    // the click selects whatever node is drawn on top at that point
    await page.waitForFunction(() => document.querySelector("#details").dataset.selected, null, { timeout: 10_000 });
    await page.locator("#detail-fields dl, #detail-fields p").first().waitFor({ timeout: 15_000 });
    const selected = await page.locator("#details").getAttribute("data-selected");
    result.clicked = { aimedAt: target, id: selected,
      label: await page.evaluate((id) => window.dolbomNetwork.label(id), selected),
      title: await page.locator("#details h2").first().textContent(),
      details: await page.locator("#details").innerText() };
    await shot("details");
  }

  // the heatmap view, by keyboard
  await page.getByRole("tab", { name: "Network" }).focus();
  await page.keyboard.press("ArrowRight");
  await page.locator("#heatmap tbody tr").first().waitFor({ timeout: 10_000 });
  result.heatmap = {
    visible: await page.locator("#heatmap-view").isVisible(),
    rows: await page.locator("#heatmap tbody tr").count(),
    cells: Number(await page.locator("#heatmap").getAttribute("data-cells")),
    blind: await page.locator("#heatmap td.blind").count(),
  };
  await shot("heatmap");
  result.consoleErrors = consoleErrors;
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(result) + "\n");
