// POST /graphql with the signed-in token (sessionStorage "dolbom.token", shared with /network),
// in the page's language (?locale=): the API's coded errors come back in that language.
//
//   import { gql, GqlError } from "./lib/gql.js";
//   const data = await gql("query($id: ID!) { household(id: $id) { id } }", { id });
//   try { ... } catch (e) { showError(e) }   // e.code ("FORBIDDEN"...), e.message, e.field
import { locale, t } from "./i18n.js";

export const TOKEN_KEY = "dolbom.token";

export const token = () => sessionStorage.getItem(TOKEN_KEY);
export const setToken = (v) => sessionStorage.setItem(TOKEN_KEY, v);
export const clearToken = () => sessionStorage.removeItem(TOKEN_KEY);

export class GqlError extends Error {
  constructor(code, message, field = null, requestId = null) {
    super(message);
    this.code = code;
    this.field = field;
    this.requestId = requestId;
  }
}

/** Run a GraphQL document; resolves to ``data``, rejects with a GqlError (the first error). */
export async function gql(query, variables = {}, { tokenOverride } = {}) {
  const headers = { "Content-Type": "application/json", Accept: "application/json" };
  const tok = tokenOverride ?? token();
  if (tok) headers.Authorization = `Bearer ${tok}`;
  let r;
  try {
    r = await fetch(`/graphql?locale=${encodeURIComponent(locale())}`,
      { method: "POST", headers, body: JSON.stringify({ query, variables }) });
  } catch {
    throw new GqlError("NETWORK", t("page.error.network"));
  }
  let body;
  try {
    body = await r.json();
  } catch {
    throw new GqlError("INTERNAL", `HTTP ${r.status}`);
  }
  const errors = body.errors || [];
  if (errors.length) {
    const e = errors[0];
    const ext = e.extensions || {};
    throw new GqlError(ext.code || "INTERNAL", e.message, ext.field || null, ext.requestId || null);
  }
  if (!r.ok) throw new GqlError("INTERNAL", `HTTP ${r.status}`);
  return body.data;
}

/** A person's sentence for an error: the API's message (already in the page's language) and its code. */
export function describeError(e) {
  if (!(e instanceof GqlError)) return String(e && e.message ? e.message : e);
  const lead = ["UNAUTHENTICATED", "FORBIDDEN"].includes(e.code) ? `${t(`page.error.${e.code}`)} ` : "";
  let text = lead + t("page.error.coded", { message: e.message, code: e.code });
  if (e.field) text += ` ${t("page.error.field", { field: e.field })}`;
  return text;
}
