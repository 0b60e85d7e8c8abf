/**
 * PII anonymization for {@code forja prepare}: detection rules, check-digit validators and the
 * {@link dev.forja.prepare.pii.Anonymizer} that replaces what they find.
 *
 * <pre>
 * text ──PiiRule × N (regex + check digits / context / gazetteer)──▶ PiiMatch candidates (type, start, end)
 *      ──Anonymizer.resolve (priority, then length, then position)──▶ non-overlapping matches
 *      ──mode──▶ &lt;TYPE&gt; placeholder | HMAC-keyed realistic pseudonym | [REDACTED]
 * </pre>
 *
 * <p>Families: {@code SecretRules} (AWS keys, private keys, JWTs, password=/token= values, high-entropy keys),
 * {@code ContactRules} (e-mail, phones), {@code NetworkRules} (IPv4/6, MAC, URL credentials),
 * {@code FinancialRules} (Luhn cards, IBAN), {@code NationalIdRules} (CPF, CNPJ, RUT, CURP, RFC, CUIT/CUIL, NIT,
 * RUC, DNI/NIE of Spain with check digits; DNI of Argentina and Peru, Colombian cédula and bare SSN only after a
 * keyword), {@code PersonNameRule} (gazetteer of Spanish and Portuguese names), {@code PersonContextRule}
 * (capitalised runs kept by their context — an e-mail after, "creada por", "Autor:", a copyright line, a changelog
 * trailer, a signature — or by {@code NameModel}, a letters-only scorer trained on Debian data). Users add
 * rules in YAML as {@link dev.forja.prepare.pii.CustomRule}.
 *
 * <p>Invariant: values found are never logged, stored in a match, or written to a report — only types,
 * offsets and counts.
 */
package dev.forja.prepare.pii;
