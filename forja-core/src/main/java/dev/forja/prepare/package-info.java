/**
 * {@code forja prepare}: raw files in, a versioned dataset directory out. Records stream through
 * ingestion ({@link dev.forja.prepare.Ingest}, reading the {@code formats}), cleaning, anonymization ({@code pii}),
 * filters (language: {@code lang}), exact and near-duplicate removal ({@code dedup}) and a leak-free
 * train/validation split ({@link dev.forja.prepare.PreparePipeline}); the directory gets {@code train.jsonl},
 * {@code val.jsonl}, {@code manifest.json} and a report, all written into a staging directory that is renamed into
 * place only when complete.
 */
package dev.forja.prepare;
