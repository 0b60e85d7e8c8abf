/**
 * Language identification for the language filter and the report's language mix: forja's own trigram model of es,
 * pt and en ({@link dev.forja.prepare.lang.LanguageId}) or Lingua
 * ({@link dev.forja.prepare.lang.LinguaLanguageDetector}), chosen by name through
 * {@link dev.forja.prepare.lang.LanguageDetector#of}.
 */
package dev.forja.prepare.lang;
