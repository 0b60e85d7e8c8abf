/**
 * The input formats of {@code forja prepare}: each {@link dev.forja.prepare.formats.Format} turns one file (JSON and
 * JSONL, CSV and TSV, HTML, PDF, plain text and logs) into {@link dev.forja.prepare.formats.Doc} records with their
 * {@link dev.forja.prepare.formats.SourceRef}, and reports bad input to {@link dev.forja.prepare.formats.InputIssues}
 * instead of throwing. Which format reads which file is {@link dev.forja.prepare.Ingest}'s choice.
 */
package dev.forja.prepare.formats;
