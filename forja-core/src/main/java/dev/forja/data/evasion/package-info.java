/**
 * Label-preserving evasion transforms: the rewrites attackers apply to a request's parameters to slip a payload past
 * a filter (URL and double URL encoding, case mixing, SQL comments, whitespace substitution, HTML entities, Unicode
 * full-width and homoglyph characters, parameter reordering and padding). {@code forja eval --robustness} measures a
 * classifier under each; {@code forja train --augment evasion} trains on seeded transformed copies.
 *
 * <pre>
 * text ──RequestParts──▶ the query strings and bodies in it (request lines, raw bodies, JSON log fields)
 *      ──ParamList─────▶ name/value pairs (form: a=1&amp;b=2, or a JSON object)
 *      ──Evasion───────▶ rewritten values or order, put back where they were
 * </pre>
 */
package dev.forja.data.evasion;
