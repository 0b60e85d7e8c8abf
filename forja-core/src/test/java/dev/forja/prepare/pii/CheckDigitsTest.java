package dev.forja.prepare.pii;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class CheckDigitsTest {
    private final ValidIds ids = new ValidIds(new Random(7));

    @Test
    void acceptsPublishedExamples() {
        assertThat(CheckDigits.isCpf("52998224725")).isTrue();
        assertThat(CheckDigits.isCnpj("11222333000181")).isTrue();
        assertThat(CheckDigits.isRut("123456785")).isTrue();
        assertThat(CheckDigits.isCuit("20123456786")).isTrue();
        assertThat(CheckDigits.isDniEs("12345678Z")).isTrue();
        assertThat(CheckDigits.isNie("X1234567L")).isTrue();
        assertThat(CheckDigits.isRfc("GODE561231GR8")).isTrue();
        assertThat(CheckDigits.isIban("ES9121000418450200051332")).isTrue();
        assertThat(CheckDigits.isIban("GB82WEST12345698765432")).isTrue();
        assertThat(CheckDigits.isIban("DE89370400440532013000")).isTrue();
        assertThat(CheckDigits.isLuhn("4111111111111111")).isTrue();
        assertThat(CheckDigits.isLuhn("378282246310005")).isTrue();
    }

    @Test
    void rejectsWrongCheckDigitsAndDegenerateNumbers() {
        assertThat(CheckDigits.isCpf("52998224726")).isFalse();
        assertThat(CheckDigits.isCpf("11111111111")).isFalse(); // passes the arithmetic, but is never issued
        assertThat(CheckDigits.isCnpj("11222333000182")).isFalse();
        assertThat(CheckDigits.isRut("123456784")).isFalse();
        assertThat(CheckDigits.isCuit("20123456787")).isFalse();
        assertThat(CheckDigits.isCuit("99123456786")).isFalse(); // unknown type prefix
        assertThat(CheckDigits.isDniEs("12345678A")).isFalse();
        assertThat(CheckDigits.isNie("X1234567T")).isFalse();
        assertThat(CheckDigits.isRfc("GODE561231GR9")).isFalse();
        assertThat(CheckDigits.isIban("ES9121000418450200051333")).isFalse();
        assertThat(CheckDigits.isLuhn("4111111111111112")).isFalse();
    }

    @Test
    void generatedIdsValidateAndAChangedCheckDigitDoesNot() {
        check(ids::cpf, CheckDigits::isCpf);
        check(ids::cnpj, CheckDigits::isCnpj);
        check(ids::rut, CheckDigits::isRut);
        check(ids::cuit, CheckDigits::isCuit);
        check(ids::ruc, CheckDigits::isRuc);
        check(ids::nit, CheckDigits::isNit);
        check(ids::dniEs, CheckDigits::isDniEs);
        check(ids::nie, CheckDigits::isNie);
        check(ids::curp, CheckDigits::isCurp);
        check(ids::rfc, CheckDigits::isRfc);
        check(ids::iban, CheckDigits::isIban);
        check(ids::card, CheckDigits::isLuhn);
    }

    @Test
    void schemesThatCatchEverySingleDigitErrorDoSo() {
        // Weights coprime to the modulus catch any one changed digit; CURP, RFC, NIT and RUC do not guarantee it.
        mutateBody(ids::cpf, CheckDigits::isCpf);
        mutateBody(ids::cnpj, CheckDigits::isCnpj);
        mutateBody(ids::rut, CheckDigits::isRut);
        mutateBody(ids::cuit, CheckDigits::isCuit);
        mutateBody(ids::dniEs, CheckDigits::isDniEs);
        mutateBody(ids::iban, CheckDigits::isIban);
        mutateBody(ids::card, CheckDigits::isLuhn);
    }

    @Test
    void computedCheckDigitsCompleteABody() {
        assertThat(CheckDigits.cpfCheck("529982247")).isEqualTo("25");
        assertThat(CheckDigits.cnpjCheck("112223330001")).isEqualTo("81");
        assertThat(CheckDigits.rutCheck("12345678")).isEqualTo('5');
        assertThat(CheckDigits.cuitCheck("2012345678")).isEqualTo(6);
        assertThat(CheckDigits.dniLetter("12345678")).isEqualTo('Z');
        assertThat(CheckDigits.rfcCheck("GODE561231GR")).isEqualTo('8');
        assertThat(CheckDigits.ibanCheck("ES", "21000418450200051332")).isEqualTo("91");
        assertThat(CheckDigits.luhnCheck("411111111111111")).isEqualTo('1');
    }

    private static void check(Supplier<String> generator, Predicate<String> valid) {
        for (int i = 0; i < 300; i++) {
            String id = generator.get();
            assertThat(valid.test(id)).as(id).isTrue();
            char last = id.charAt(id.length() - 1);
            String wrong = id.substring(0, id.length() - 1)
                    + (last == '9' || last == 'K' || last == 'Z' ? '1' : (char) (last + 1));
            assertThat(valid.test(wrong)).as(wrong).isFalse();
        }
    }

    private static void mutateBody(Supplier<String> generator, Predicate<String> valid) {
        for (int i = 0; i < 200; i++) {
            String id = generator.get();
            int at = id.length() - 2 - i % Math.max(1, id.length() - 6);
            char c = id.charAt(at);
            if (!Character.isDigit(c)) continue;
            String changed = id.substring(0, at) + (char) ('0' + (c - '0' + 1 + i % 9) % 10) + id.substring(at + 1);
            assertThat(valid.test(changed)).as(id + " → " + changed).isFalse();
        }
    }
}
