/**
 * The validation report's stylesheet, inlined in every report: system fonts only (nothing to
 * fetch), readable on a laptop, and printable — colours kept when printing, cards not split
 * across pages.
 */
export const REPORT_CSS = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #f6f8fa; color: #1f2328;
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
main { max-width: 1080px; margin: 0 auto; padding: 20px 24px 40px; }
h1, h2, h3 { line-height: 1.25; }
h2 { font-size: 20px; margin: 32px 0 12px; padding-bottom: 4px; border-bottom: 1px solid #d0d7de; }
h3 { font-size: 17px; margin: 0 0 6px; }
code, .mono { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 13px; overflow-wrap: anywhere; }
a { color: #0550ae; }
.banner { display: flex; gap: 20px; align-items: center; padding: 18px 22px; border-radius: 10px;
  color: #fff; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
.banner .glyph { font-size: 48px; font-weight: 700; line-height: 1; min-width: 48px; text-align: center; }
.banner h1 { margin: 0; font-size: 38px; letter-spacing: 0.04em; }
.banner p { margin: 4px 0 0; font-size: 16px; }
.banner .identity { font-size: 18px; font-weight: 600; }
.outcome-promote { background: #1a7f37; }
.outcome-rollback { background: #cf222e; }
.outcome-inconclusive { background: #9a6700; }
.outcome-aborted { background: #57606a; }
.outcome-analysing { background: #0969da; }
.why { background: #fff; border: 1px solid #d0d7de; border-radius: 10px; padding: 14px 20px; margin-top: 14px; }
.why h2 { border: 0; margin: 0 0 6px; padding: 0; font-size: 13px; color: #57606a; text-transform: uppercase; letter-spacing: 0.05em; }
.why table { margin-top: 10px; }
.why .headline { font-size: 18px; font-weight: 600; margin: 0 0 6px; }
.why ul { margin: 6px 0 0; padding-left: 20px; }
.callout { background: #fff8c5; border: 1px solid #d4a72c; border-radius: 8px; padding: 10px 14px; margin-top: 12px;
  -webkit-print-color-adjust: exact; print-color-adjust: exact; }
.facts { display: grid; grid-template-columns: repeat(auto-fit, minmax(140px, 1fr)); gap: 8px 18px; margin: 12px 0 0; }
.facts div { background: #fff; border: 1px solid #d0d7de; border-radius: 8px; padding: 6px 10px; }
.facts dt { font-size: 12px; color: #57606a; text-transform: uppercase; letter-spacing: 0.04em; }
.facts dd { margin: 0; font-weight: 600; overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%; background: #fff; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid #d8dee4; vertical-align: top; }
th { font-size: 13px; color: #57606a; font-weight: 600; }
.khi, .run, .finding { background: #fff; border: 1px solid #d0d7de; border-left-width: 6px; border-radius: 8px;
  padding: 12px 16px; margin: 0 0 14px; break-inside: avoid; }
.state-failed { border-left-color: #cf222e; }
.state-pass { border-left-color: #1a7f37; }
.state-unsure { border-left-color: #9a6700; }
.badge { display: inline-block; font-size: 12px; font-weight: 700; letter-spacing: 0.05em; padding: 2px 8px;
  border-radius: 999px; color: #fff; vertical-align: middle; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
.badge.state-failed { background: #cf222e; }
.badge.state-pass { background: #1a7f37; }
.badge.state-unsure { background: #9a6700; }
.tag { font-size: 12px; border: 1px solid #57606a; border-radius: 4px; padding: 0 5px; color: #57606a; vertical-align: middle; }
.reason { margin: 4px 0 10px; }
.muted { color: #57606a; }
.khi-body { display: flex; flex-wrap: wrap; gap: 12px 20px; align-items: flex-start; }
.khi-body .chart-box { flex: 1 1 520px; min-width: 300px; }
.khi-body table.numbers { flex: 1 1 280px; width: auto; min-width: 260px; }
table.numbers th { width: 42%; }
svg.chart { width: 100%; max-width: 640px; height: auto; display: block; }
.no-data { padding: 18px; border: 1px dashed #8c959f; border-radius: 8px; color: #57606a; background: #f6f8fa; }
.run { display: flex; flex-wrap: wrap; gap: 14px; }
.run img { max-width: min(420px, 100%); height: auto; align-self: flex-start; border: 1px solid #d0d7de; border-radius: 4px; }
.run .caption { flex: 1 1 300px; }
ul.files { columns: 2 320px; padding-left: 20px; }
footer { margin-top: 36px; padding-top: 12px; border-top: 1px solid #d0d7de; font-size: 13px; color: #57606a; }
footer dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; }
footer dt { font-weight: 600; }
footer dd { margin: 0; overflow-wrap: anywhere; }
@media print {
  body { background: #fff; font-size: 11pt; }
  main { max-width: none; padding: 0; }
  a { color: inherit; }
  h2 { break-after: avoid; }
}
`;
