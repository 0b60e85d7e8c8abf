package dev.forja.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class SyntheticPiiTest {

    @Test
    void rutCheckDigitMatchesHandComputation() {
        // 12345678: digits right to left 8,7,6,5,4,3,2,1 × weights 2,3,4,5,6,7,2,3
        // = 16+21+24+25+24+21+4+3 = 138; 138 mod 11 = 6; 11 − 6 = 5.
        assertThat(SyntheticPii.rutCheckDigit(12_345_678)).isEqualTo('5');
        // 6: 6×2 = 12; 12 mod 11 = 1; 11 − 1 = 10 → K.
        assertThat(SyntheticPii.rutCheckDigit(6)).isEqualTo('K');
        // 31: 1×2 + 3×3 = 11; 11 mod 11 = 0; 11 − 0 = 11 → 0.
        assertThat(SyntheticPii.rutCheckDigit(31)).isEqualTo('0');
    }

    @Test
    void cpfCheckDigitsMatchHandComputation() {
        // 529.982.247-25. First: 5·10+2·9+9·8+9·7+8·6+2·5+2·4+4·3+7·2 = 295; 295 mod 11 = 9; 11 − 9 = 2.
        // Second: 5·11+2·10+9·9+9·8+8·7+2·6+2·5+4·4+7·3+2·2 = 347; 347 mod 11 = 6; 11 − 6 = 5.
        int[] d = {5, 2, 9, 9, 8, 2, 2, 4, 7, 2, 0};
        assertThat(SyntheticPii.cpfCheckDigit(d, 9)).isEqualTo(2);
        assertThat(SyntheticPii.cpfCheckDigit(d, 10)).isEqualTo(5);
    }

    @Test
    void curpCheckDigitMatchesHandComputation() {
        // BADD110313HCMLNS0: values B11 A10 D13 D13 1 1 0 3 1 3 H17 C12 M22 L21 N23 S29 0 (Ñ is 24, so O..Z shift
        // by one) × weights 18..2 = 198+170+208+195+14+13+0+33+10+27+136+84+132+105+92+87+0 = 1504;
        // (10 − 1504 mod 10) mod 10 = 6.
        assertThat(SyntheticPii.curpCheckDigit("BADD110313HCMLNS0")).isEqualTo(6);
    }

    @Test
    void generatedIdentityNumbersHaveValidCheckDigits() {
        SyntheticPii pii = new SyntheticPii(new Random(7));
        for (int i = 0; i < 200; i++) {
            String rut = pii.rut();
            assertThat(rut).matches("\\d{1,2}(\\.?\\d{3}){2}-[0-9K]");
            int body = Integer.parseInt(rut.substring(0, rut.indexOf('-')).replace(".", ""));
            assertThat(rut.charAt(rut.length() - 1)).isEqualTo(SyntheticPii.rutCheckDigit(body));

            String cpf = pii.cpf().replaceAll("[.-]", "");
            assertThat(cpf).matches("\\d{11}");
            int[] d = cpf.chars().map(c -> c - '0').toArray();
            assertThat(d[9]).isEqualTo(SyntheticPii.cpfCheckDigit(d, 9));
            assertThat(d[10]).isEqualTo(SyntheticPii.cpfCheckDigit(d, 10));

            String curp = pii.curp();
            assertThat(curp).matches("[A-Z][AEIOU][A-Z]{2}\\d{6}[HM][A-Z]{2}[B-DF-HJ-NP-TV-Z]{3}[0-9A-Z]\\d");
            assertThat(curp.charAt(17) - '0').isEqualTo(SyntheticPii.curpCheckDigit(curp));
            assertThat(pii.email()).matches("[a-z0-9._]+@[a-z.]+");
        }
    }
}
