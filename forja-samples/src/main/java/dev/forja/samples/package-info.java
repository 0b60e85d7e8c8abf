/**
 * Generators for the synthetic sample data under {@code samples/} (the generator is the source of truth and the
 * committed file its output, so a test can regenerate it byte for byte) and for the corpus that
 * {@code forja bench prepare} and prepare's tests deduplicate ({@link dev.forja.samples.CorpusGenerator}). A module of
 * its own, outside the core jar, that depends on nothing of forja's. Nothing here is real traffic or real people;
 * identity numbers carry valid check digits only so that PII detectors have realistic work.
 */
package dev.forja.samples;
