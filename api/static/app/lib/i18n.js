// Page texts from the server's one catalogue (GET /app/texts/<locale>.json, built from
// i18n/texts/pages.py and i18n/texts/values.py), the chosen language, and times in the
// deployment's zone (DOLBOM_TIMEZONE, from /app/config.json). See docs/pages.md.
//
//   import { t, word, fmtDateTime } from "./lib/i18n.js";
//   t("page.nav.households")              -> "내 가구"
//   t("page.signin.done", { who: "김민지" }) -> fills {who}; {who:을} attaches 을/를 by the last sound
//   word("Urgency", "EMERGENCY")          -> "긴급"

const LOCALE_KEY = "dolbom.locale";
const state = { locale: "ko", locales: ["ko", "en"], timezone: "Asia/Seoul", texts: {} };

// 받침 of how a word ends when read in Korean (the rule of i18n/particles.py, short form)
const DIGIT = { 0: 21, 1: 8, 2: 0, 3: 16, 4: 0, 5: 0, 6: 1, 7: 8, 8: 8, 9: 0 };
const UNITS = { 1: 0, 2: 0, 3: 0, 4: 4 };  // 십, 백, 천: none; 만: ㄴ
function finalConsonant(text) {
  const s = String(text).trim().replace(/[)\]}>'"”’」』》〉]+$/, "");
  if (!s) return 0;
  const last = s[s.length - 1];
  const code = last.charCodeAt(0);
  if (code >= 0xac00 && code <= 0xd7a3) return (code - 0xac00) % 28;
  if (/[0-9]/.test(last)) {
    const digits = s.match(/[0-9,]+$/)[0].replace(/,/g, "");
    const stripped = digits.replace(/0+$/, "");
    const zeros = digits.length - stripped.length;
    if (!stripped) return DIGIT[0];
    if (zeros === 0) return DIGIT[digits[digits.length - 1]];
    return UNITS[zeros] ?? 21;
  }
  if (/[a-z]/i.test(last)) {
    const run = s.match(/[a-z]+$/i)[0];
    const w = run.toLowerCase();
    if (run.length === 1 || run === run.toUpperCase()) return { l: 8, m: 16, n: 4, r: 8 }[w[w.length - 1]] || 0;
    if (w.endsWith("ng")) return 21;
    return { l: 8, m: 16, n: 4, k: 1, p: 17 }[w[w.length - 1]] || 0;
  }
  return 0;
}
const PAIRS = [["을", "를"], ["이", "가"], ["은", "는"], ["과", "와"], ["으로", "로"], ["이나", "나"],
  ["이라", "라"], ["아", "야"], ["이다", "다"]];
export function attach(value, which) {
  const pair = PAIRS.find((p) => p.includes(which));
  if (!pair) return `${value}${which}`;
  const fc = finalConsonant(value);
  const vowel = fc === 0 || (pair[0] === "으로" && fc === 8);
  return `${value}${vowel ? pair[1] : pair[0]}`;
}

/** Load the configuration and this language's texts; call once per page before any t(). */
export async function loadTexts() {
  const config = await (await fetch("/app/config.json")).json();
  state.locales = config.locales;
  state.timezone = config.timezone;
  const asked = new URLSearchParams(location.search).get("locale") || localStorage.getItem(LOCALE_KEY);
  state.locale = state.locales.includes(asked) ? asked : config.locale;
  const r = await fetch(`/app/texts/${state.locale}.json`);
  state.texts = await r.json();
  document.documentElement.lang = state.locale;
  return state;
}

export const locale = () => state.locale;
export const locales = () => state.locales;
export const timezone = () => state.timezone;

/** Choose a language for this browser (kept in localStorage) and reload the page in it. */
export function setLocale(loc) {
  localStorage.setItem(LOCALE_KEY, loc);
  const url = new URL(location.href);
  url.searchParams.delete("locale");
  location.replace(url);
}

/** The text of catalogue key ``key`` with ``params`` filled in (the key itself if missing). */
export function t(key, params = {}) {
  const template = state.texts[key];
  if (template === undefined) {
    console.warn(`no text ${key}`);
    return key;
  }
  return template.replace(/\{(\w+)(?::([^}]+))?\}/g, (_, name, spec) => {
    const v = params[name] ?? "";
    return spec ? attach(v, spec) : String(v);
  });
}

/** The word for an enum value ("Urgency", "EMERGENCY" -> 긴급), else the value itself. */
export function word(enumName, value) {
  if (value === null || value === undefined) return "";
  return state.texts[`${enumName}.${value}`] ?? state.texts[`page.enum.${enumName}.${value}`] ?? String(value);
}

/** Fill elements marked data-t (text), data-t-label (aria-label), data-t-placeholder, data-t-title. */
export function translateDom(root = document) {
  for (const el of root.querySelectorAll("[data-t]")) el.textContent = t(el.dataset.t);
  for (const el of root.querySelectorAll("[data-t-label]")) el.setAttribute("aria-label", t(el.dataset.tLabel));
  for (const el of root.querySelectorAll("[data-t-placeholder]")) el.placeholder = t(el.dataset.tPlaceholder);
  for (const el of root.querySelectorAll("[data-t-title]")) el.title = t(el.dataset.tTitle);
}

const tag = () => (state.locale === "ko" ? "ko-KR" : "en-GB");

/** A stored UTC timestamp as the offices read it: in DOLBOM_TIMEZONE. */
export function fmtDateTime(iso) {
  if (!iso) return "";
  const d = new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(iso) ? iso : `${iso}Z`);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(tag(), { timeZone: state.timezone, dateStyle: "medium", timeStyle: "short" })
    .format(d);
}

/** A calendar day (YYYY-MM-DD) as text; no zone shift (it is a day, not an instant). */
export function fmtDate(day) {
  if (!day) return "";
  const [y, m, d] = day.split("-").map(Number);
  return new Intl.DateTimeFormat(tag(), { timeZone: "UTC", dateStyle: "medium" })
    .format(new Date(Date.UTC(y, m - 1, d)));
}

/** Today's date (YYYY-MM-DD) in DOLBOM_TIMEZONE: between 00:00 and 09:00 KST it is not UTC's. */
export function today() {
  return new Intl.DateTimeFormat("en-CA", { timeZone: state.timezone }).format(new Date());
}

export function fmtNumber(n) {
  return new Intl.NumberFormat(tag()).format(n);
}

/** The UTC offset ("+09:00") of DOLBOM_TIMEZONE on a calendar day (YYYY-MM-DD), at noon there. */
export function zoneOffset(day) {
  const [y, m, d] = day.split("-").map(Number);
  const part = new Intl.DateTimeFormat("en-US", { timeZone: state.timezone, timeZoneName: "longOffset" })
    .formatToParts(new Date(Date.UTC(y, m - 1, d, 12))).find((p) => p.type === "timeZoneName");
  const off = part ? part.value.replace(/^GMT/, "") : "";
  return off === "" ? "+00:00" : off;
}

/** A time of a calendar day in DOLBOM_TIMEZONE as ISO-8601 with its offset: a day the offices
 *  mean ("since 3 December") starts at their midnight, not UTC's. */
export function zonedTime(day, time = "00:00:00") {
  return `${day}T${time}${zoneOffset(day)}`;
}
