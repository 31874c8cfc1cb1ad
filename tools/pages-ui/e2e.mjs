// End-to-end walk of the case worker's pages under /app/ in Debian's chromium, driven by
// playwright-core (the copy installed for the network page: tools/network-ui/node_modules, no
// browser download). Run by tests/e2e/test_pages_caseworker.py, which starts the server and
// checks what this script prints as one JSON object on stdout:
//
//   node e2e.mjs --base http://127.0.0.1:PORT --token TOKEN --household hh-0001 \
//       --english hh-e2e-en --agenda hh-e2e-conf --shots DIR
//
// Every request that leaves loopback is aborted and listed (result.external must be empty).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { args, run } from "../browser/walk.mjs";

const opts = args(["base", "token", "household", "english", "agenda", "shots"]);

await run(opts, async ({ page, result, shot, settled, state, statusText }) => {
  // 1. sign in (Korean by default): a wrong token is refused, the right one leads to my households
  await page.goto(`${opts.base}/app/`);
  await settled();
  await page.getByLabel("접근 토큰").fill("not-a-token");
  await page.getByRole("button", { name: "로그인" }).click();
  await page.waitForFunction(() => document.body.dataset.state === "refused");
  result.refused = await statusText();
  await page.getByLabel("접근 토큰").fill(opts.token);
  await shot("signin");
  await page.keyboard.press("Enter");
  await page.waitForURL(/households\.html/);
  await settled();
  result.households = {
    state: await state(), lang: await page.evaluate(() => document.documentElement.lang),
    title: await page.locator("h1").textContent(),
    rows: await page.locator("#households tbody tr").count(),
    ids: await page.locator("#households tbody tr").evaluateAll((rs) => rs.map((r) => r.dataset.household)),
  };
  await shot("households");
  // a filter: emergencies only
  await page.getByLabel("긴급도").selectOption("EMERGENCY");
  await page.getByRole("button", { name: "조건 적용" }).click();
  await page.waitForFunction(() => document.body.dataset.state === "ready" && location.search.includes("EMERGENCY"));
  result.households.emergencyIds = await page.locator("#households tbody tr")
    .evaluateAll((rs) => rs.map((r) => r.dataset.household));

  // 2. open the household, read its packages in Korean, send a referral by keyboard
  await page.getByRole("link", { name: opts.household, exact: true }).click();
  await page.waitForURL(/household\.html/);
  await settled();
  const items = page.locator("#packages li.item");
  result.household = {
    state: await state(), title: await page.locator("h1").textContent(),
    packages: await page.locator("#packages section.package").count(),
    reasons: await page.locator("#packages ul.reasons li").allTextContents(),
    flags: await page.locator("#packages p.flag").allTextContents(),
    firstItem: await items.first().getAttribute("data-resource"),
    referralsBefore: await page.locator("#referrals tbody tr").count(),
  };
  await shot("household");
  const refer = items.first().locator("button.refer");
  await refer.focus();
  await page.keyboard.press("Enter");
  await page.locator("#packages textarea").first().waitFor();
  result.household.focusInReason = await page.evaluate(() => document.activeElement.tagName);
  await page.keyboard.type("긴급 주거비 지원 요청 (e2e)");
  await page.keyboard.press("Tab");
  result.household.focusOnSend = await page.evaluate(() => document.activeElement.textContent);
  await page.keyboard.press("Space");
  await page.waitForFunction(() => document.querySelector("#status").dataset.kind, null, { timeout: 30_000 });
  await page.waitForFunction((n) => document.querySelectorAll("#referrals tbody tr").length > n ||
    document.querySelector("#status").dataset.kind === "error", result.household.referralsBefore, { timeout: 30_000 });
  result.household.sent = await statusText();
  result.household.referralsAfter = await page.locator("#referrals tbody tr").allTextContents();
  await shot("household-referred");

  // 3. the conference: choose the agenda on my households, create, allocate, decide, adopt
  await page.goto(`${opts.base}/app/households.html`);
  await settled();
  const box = page.getByLabel(`${opts.agenda} 가구를 회의 안건으로 선택`);
  await box.focus();
  await page.keyboard.press("Space");
  await page.getByRole("button", { name: "선택한 가구로 사례회의 준비" }).click();
  await page.waitForURL(/conference\.html/);
  await settled();
  result.conference = { agendaField: await page.getByLabel("안건 가구 (쉼표로 구분)").inputValue() };
  await page.getByLabel("회의록 메모").fill("긴급 사례회의: 주거 위기 가구 (e2e)");
  await page.getByRole("button", { name: "사례회의 만들기" }).click();
  await page.locator("#allocate").waitFor();
  await page.locator("#allocate").click();
  await page.locator("#decide").waitFor();
  result.conference.allocation = await page.locator("#allocation tbody tr").allTextContents();
  result.conference.exceptions = await page.locator("#exceptions li").count();
  await shot("conference-allocation");
  await page.keyboard.press("Enter");  // the focus is on "decide"
  await page.waitForFunction(() => (document.querySelector("#status").textContent || "").includes("결정"));
  await page.locator("#adopt").click();
  await page.waitForFunction(() => document.querySelector("#conf-status")?.dataset.status === "ADOPTED" ||
    document.querySelector("#status").dataset.kind === "error", null, { timeout: 30_000 });
  result.conference.status = await page.locator("#conf-status").getAttribute("data-status");
  result.conference.message = await statusText();
  result.conference.minutes = await page.locator("#minutes-table tbody tr").allTextContents();
  result.conference.url = page.url();
  await shot("conference");
  const [download] = await Promise.all([page.waitForEvent("download"), page.locator("#export").click()]);
  const csvPath = join(opts.shots, "minutes.csv");
  await download.saveAs(csvPath);
  const csv = readFileSync(csvPath);
  result.conference.csv = { bom: csv[0] === 0xef && csv[1] === 0xbb && csv[2] === 0xbf,
    text: csv.toString("utf8").replace(/^\uFEFF/, ""), name: download.suggestedFilename() };
  await page.emulateMedia({ media: "print" });
  result.conference.print = { headerShown: await page.locator("header#top").isVisible(),
    buttonsShown: await page.locator("#adopt").isVisible(), minutesShown: await page.locator("#minutes-table").isVisible() };
  await shot("minutes-print");
  await page.emulateMedia({ media: "screen" });

  // 4. the same household flow in English, chosen with the language switch
  await page.goto(`${opts.base}/app/household.html?id=${encodeURIComponent(opts.english)}`);
  await settled();
  await page.getByLabel("언어").selectOption("en");
  await page.waitForLoadState("load");
  await settled();
  result.english = {
    lang: await page.evaluate(() => document.documentElement.lang),
    title: await page.locator("h1").textContent(),
    reasons: await page.locator("#packages ul.reasons li").allTextContents(),
    headings: await page.locator("h2").allTextContents(),
  };
  await shot("household-en");
  await page.locator("#packages li.item").first().getByRole("button").click();
  await page.getByLabel("Reason for the referral").fill("Rent arrears (e2e)");
  await page.getByRole("button", { name: "Send the referral" }).click();
  await page.waitForFunction(() => document.querySelector("#status").dataset.kind, null, { timeout: 30_000 });
  result.english.sent = await statusText();
  result.english.referrals = await page.locator("#referrals tbody tr").allTextContents();
  await page.goto(`${opts.base}/app/households.html`);
  await settled();
  result.english.households = { title: await page.locator("h1").textContent(),
    nav: await page.locator("header nav a").allTextContents() };
});
