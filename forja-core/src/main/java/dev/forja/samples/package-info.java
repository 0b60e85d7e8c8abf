/**
 * Generators for the synthetic sample data under {@code samples/}: the generator is the source of truth and the
 * committed file its output, so a test can regenerate it byte for byte. Nothing here is real traffic or real people;
 * identity numbers carry valid check digits only so that PII detectors have realistic work.
 */
package dev.forja.samples;
