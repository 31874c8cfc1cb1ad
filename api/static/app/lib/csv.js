// Spreadsheet export built in the page: CSV with a UTF-8 BOM (Korean Excel reads it as UTF-8),
// CRLF line ends, and cells that a spreadsheet would run as formulas prefixed with '.
//
//   import { downloadCsv } from "./lib/csv.js";
//   downloadCsv("overdue-ko.csv", [["가구", "지역"], ["hh-0001", "수원시"]]);

/** One cell as CSV text: quoted when needed; a leading =, +, -, @, tab or CR defused with '. */
export function csvCell(v) {
  let s = String(v ?? "");
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Rows (arrays of cells) as a CSV Blob with a UTF-8 BOM and CRLF line ends. */
export function csvBlob(rows) {
  const lines = rows.map((r) => r.map(csvCell).join(","));
  return new Blob(["\uFEFF", lines.join("\r\n"), "\r\n"], { type: "text/csv;charset=utf-8" });
}

/** Offer ``rows`` for download as ``name`` (a .csv file). */
export function downloadCsv(name, rows) {
  const url = URL.createObjectURL(csvBlob(rows));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
