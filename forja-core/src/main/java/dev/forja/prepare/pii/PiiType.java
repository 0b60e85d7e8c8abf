package dev.forja.prepare.pii;

/**
 * The kinds of personal or secret data the anonymizer recognises, each with its placeholder tag and a priority
 * that settles overlapping matches (higher wins; see {@link Anonymizer}).
 *
 * <p>{@link #checksummed()} marks identifiers whose check digits are verified, so a number with the right shape
 * but a wrong check digit is not reported.
 */
public enum PiiType {
    EMAIL(80, false),
    PHONE(30, false),
    IPV4(55, false),
    IPV6(55, false),
    MAC(55, false),
    URL_CREDENTIALS(92, false),
    CREDIT_CARD(60, true),
    IBAN(75, true),
    CPF(60, true),
    CNPJ(62, true),
    RUT(62, true),
    CURP(64, true),
    RFC(63, true),
    DNI_AR(40, false),
    CUIT(66, true),
    CEDULA_CO(41, false),
    NIT_CO(64, true),
    DNI_PE(39, false),
    RUC_PE(67, true),
    DNI_ES(62, true),
    NIE_ES(62, true),
    SSN_US(45, false),
    AWS_KEY(95, false),
    PRIVATE_KEY(99, false),
    JWT(94, false),
    SECRET_ASSIGNMENT(90, false),
    API_KEY(20, false),
    PERSON(10, false),
    /** A match of a user rule from YAML; its placeholder is the rule's own. */
    CUSTOM(100, false);

    private final int priority;
    private final boolean checksummed;

    PiiType(int priority, boolean checksummed) {
        this.priority = priority;
        this.checksummed = checksummed;
    }

    /** {@code <EMAIL>}, {@code <CPF>}, … */
    public String placeholder() {
        return "<" + name() + ">";
    }

    /** Higher wins when two matches overlap. */
    public int priority() {
        return priority;
    }

    /** True when the detector verifies check digits (Luhn, mod 11, mod 97, …). */
    public boolean checksummed() {
        return checksummed;
    }
}
