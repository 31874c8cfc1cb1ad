// End-to-end walk of the partner's and the coordinator's pages under /app/ in Debian's chromium,
// driven by playwright-core (tools/network-ui/node_modules, no browser download). Run by
// tests/e2e/test_pages_partner_coordinator.py, which starts the server, makes the referrals and
// the blind spots, and checks what this prints as one JSON object on stdout:
//
//   node partner-coordinator.mjs --base http://127.0.0.1:PORT --partner TOKEN --coordinator TOKEN \
//       --accept REF --decline REF --english REF --service SVC --shots DIR
//
// Every request that leaves loopback is aborted and listed (result.external must be empty).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { args, run } from "../browser/walk.mjs";

const opts = args(["base", "partner", "coordinator", "accept", "decline", "english", "service", "shots"]);

await run(opts, async ({ page, result, shot, settled, state, statusText }) => {
  const statusKind = () => page.evaluate(() => document.querySelector("#status").dataset.kind || "");
  const rowStatus = (id) => page.locator(`#inbox tr[data-referral="${id}"]`).getAttribute("data-status");
  // the row reaching a status, or a new error in the status line (not one shown before the click)
  const waitRow = async (id, st) => {
    const before = await statusText();
    await page.waitForFunction(([i, s, b]) =>
      document.querySelector(`#inbox tr[data-referral="${i}"]`)?.dataset.status === s ||
      (document.querySelector("#status").dataset.kind === "error" && document.querySelector("#status").textContent !== b),
    [id, st, before], { timeout: 30_000 });
  };
  const signIn = async (tokenValue, label, submit) => {
    await page.goto(`${opts.base}/app/`);
    await settled();
    await page.getByLabel(label).fill(tokenValue);
    await page.getByRole("button", { name: submit }).click();
    await page.waitForURL((u) => !u.pathname.endsWith("/app/") && !u.pathname.endsWith("index.html"));
    await settled();
  };
  const download = async (name) => {
    const [d] = await Promise.all([page.waitForEvent("download"), page.locator("#export").click()]);
    const path = join(opts.shots, name);
    await d.saveAs(path);
    const bytes = readFileSync(path);
    return { bom: bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf, name: d.suggestedFilename(),
      text: bytes.toString("utf8").replace(/^\uFEFF/, "") };
  };

  // 1. the partner signs in (Korean by default) and lands in the referral inbox
  await page.goto(`${opts.base}/app/`);
  await page.evaluate(() => { sessionStorage.clear(); localStorage.clear(); });
  await signIn(opts.partner, "접근 토큰", "로그인");
  const accept = page.locator(`#inbox tr[data-referral="${opts.accept}"]`);
  result.inbox = {
    url: page.url(), state: await state(), lang: await page.evaluate(() => document.documentElement.lang),
    title: await page.locator("h1").textContent(), nav: await page.locator("header nav a").allTextContents(),
    ids: await page.locator("#inbox tbody tr").evaluateAll((rs) => rs.map((r) => r.dataset.referral)),
    acceptRow: await accept.locator("td").allTextContents(),
    headers: await page.locator("#inbox thead th").allTextContents(),
  };
  // accept by keyboard: the button named for the referral, Enter
  await page.getByRole("button", { name: `${opts.accept} 의뢰 수락` }).focus();
  await Promise.all([waitRow(opts.accept, "ACCEPTED"), page.keyboard.press("Enter")]);
  result.inbox.accepted = { status: await rowStatus(opts.accept), message: await statusText() };
  // decline: the reason is required in the page (an empty one is refused before any request)
  await page.getByRole("button", { name: `${opts.decline} 의뢰 거절` }).click();
  const reason = page.getByLabel("거절 사유 (사례관리자에게 전달됩니다)");
  await reason.waitFor();
  result.inbox.focusInReason = await page.evaluate(() => document.activeElement.tagName);
  await page.getByRole("button", { name: "거절 보내기" }).click();
  result.inbox.emptyReason = { kind: await statusKind(), message: await statusText(),
    status: await rowStatus(opts.decline), invalid: await reason.getAttribute("aria-invalid") };
  await reason.fill("상담 인력이 이번 달 모두 배정됨 (e2e)");
  await Promise.all([waitRow(opts.decline, "DECLINED"), page.getByRole("button", { name: "거절 보내기" }).click()]);
  result.inbox.declined = { status: await rowStatus(opts.decline), message: await statusText(),
    note: await page.locator(`#inbox tr[data-referral="${opts.decline}"] td.note`).textContent() };
  await shot("inbox");
  result.inbox.csv = await download("inbox.csv");

  // 2. our services: edit the capacity of one (and count it per month)
  await page.getByRole("link", { name: "우리 기관 서비스" }).click();
  await page.waitForURL(/services\.html/);
  await settled();
  const svcRow = page.locator(`#services tr[data-service="${opts.service}"]`);
  result.services = { state: await state(), title: await page.locator("h1").textContent(),
    ids: await page.locator("#services tbody tr").evaluateAll((rs) => rs.map((r) => r.dataset.service)),
    before: { capacity: await svcRow.locator("td.capacity").textContent() } };
  await svcRow.getByRole("button").click();
  await page.getByLabel("정원 (자리 수)").fill("45");
  await page.getByLabel("정원 기간").selectOption("MONTH");
  await page.getByRole("button", { name: "저장" }).click();
  await page.waitForFunction(() => document.querySelector("#status").dataset.kind, null, { timeout: 30_000 });
  result.services.saved = await statusText();
  result.services.after = { capacity: await svcRow.locator("td.capacity").textContent(),
    period: await svcRow.locator("td.period").textContent(), available: await svcRow.locator("td.available").textContent() };
  await shot("services");
  // a partner cannot open the coordinator's pages
  await page.goto(`${opts.base}/app/coverage.html`);
  await settled();
  result.partnerOnCoverage = await state();

  // 3. the coordinator: the overview, the heatmap (both kinds of blind spot), overlaps, overdue, staff
  await page.locator("#signout").click();
  await page.waitForURL(/\/app\/$/);
  await signIn(opts.coordinator, "접근 토큰", "로그인");
  result.coordinator = { url: page.url(), title: await page.locator("h1").textContent(),
    links: await page.locator("#coord-links a").evaluateAll((as) => as.map((a) => a.getAttribute("href"))) };
  await shot("coordinator");
  await page.getByRole("link", { name: "사각지대", exact: true }).first().click();
  await page.waitForURL(/coverage\.html/);
  await settled();
  const heat = page.locator("#heatmap");
  result.coverage = { state: await state(), title: await page.locator("h1").textContent(),
    rows: await heat.locator("tbody tr").evaluateAll((rs) => rs.map((r) => r.dataset.region)),
    nothing: Number(await heat.getAttribute("data-nothing")), places: Number(await heat.getAttribute("data-places")),
    unmet: Number(await heat.getAttribute("data-unmet")),
    cells: await heat.locator("td[data-missing]").evaluateAll((tds) => tds.map((td) => ({
      region: td.parentElement.dataset.region, domain: td.dataset.domain, missing: Number(td.dataset.missing),
      short: Number(td.dataset.short), unmet: Number(td.dataset.unmet), text: td.textContent }))),
    summary: await page.locator("#coverage-summary").textContent(),
    legend: await page.locator(".legend li").allTextContents() };
  await shot("coverage");
  result.coverage.csv = await download("coverage.csv");
  await page.getByRole("link", { name: "중복 서비스" }).click();
  await page.waitForURL(/overlaps\.html/);
  await settled();
  result.overlaps = { state: await state(), rows: await page.locator("#overlaps tbody tr").allTextContents() };
  await shot("overlaps");
  await page.getByRole("link", { name: "기한 초과" }).click();
  await page.waitForURL(/overdue\.html/);
  await settled();
  result.overdue = { state: await state(), title: await page.locator("h1").textContent(),
    ids: await page.locator("#overdue tbody tr").evaluateAll((rs) => rs.map((r) => r.dataset.household)),
    clock: await page.locator("#clock").textContent(),
    rows: await page.locator("#overdue tbody tr").allTextContents() };
  await shot("overdue");
  result.overdue.csv = await download("overdue.csv");
  await page.getByRole("link", { name: "직원" }).click();
  await page.waitForURL(/staff\.html/);
  await settled();
  await page.getByLabel("이름", { exact: true }).fill("이수진");
  await page.getByLabel("역할", { exact: true }).last().selectOption("CASEWORKER");
  await page.getByLabel("지역 코드 (사례관리자)").fill("gg-suwon");
  await page.getByRole("button", { name: "직원 등록" }).click();
  await page.waitForFunction(() => document.querySelector("#status").dataset.kind, null, { timeout: 30_000 });
  result.staff = { state: await state(), added: await statusText(),
    names: await page.locator("#staff tbody th").allTextContents(),
    rows: await page.locator("#staff tbody tr").allTextContents() };
  await shot("staff");

  // 4. the partner flow in English, chosen with the language switch
  await page.locator("#signout").click();
  await page.waitForURL(/\/app\/$/);
  await signIn(opts.partner, "접근 토큰", "로그인");
  await page.getByLabel("언어").selectOption("en");
  await page.waitForLoadState("load");
  await settled();
  result.english = { lang: await page.evaluate(() => document.documentElement.lang),
    title: await page.locator("h1").textContent(), headers: await page.locator("#inbox thead th").allTextContents(),
    nav: await page.locator("header nav a").allTextContents(),
    declinedWord: await page.locator(`#inbox tr[data-referral="${opts.decline}"] span.badge`).textContent() };
  await Promise.all([waitRow(opts.english, "ACCEPTED"),
    page.getByRole("button", { name: `Accept referral ${opts.english}` }).click()]);
  result.english.accepted = { status: await rowStatus(opts.english), message: await statusText() };
  await shot("inbox-en");
  await page.getByRole("link", { name: "Our services" }).click();
  await page.waitForURL(/services\.html/);
  await settled();
  result.english.services = { title: await page.locator("h1").textContent(),
    period: await page.locator(`#services tr[data-service="${opts.service}"] td.period`).textContent() };
});
