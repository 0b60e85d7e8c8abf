package dev.forja.prepare.pii;

import java.util.List;
import java.util.Random;

/**
 * Hard negatives for {@link PiiCorpus}: texts with no PII that look like some — each checksummed identifier with a
 * wrong check digit (in its layout and next to its keyword), bare digit strings without a keyword, order and
 * invoice numbers, timestamps, versions, product codes, capitalised places, hashes, prose about passwords.
 */
final class PiiNegatives {
    private final Random random;
    private final ValidIds ids;

    PiiNegatives(Random random, ValidIds ids) {
        this.random = random;
        this.ids = ids;
    }

    private static final String[] FIXED = {
        "Versión v2.10.3 publicada; build 1.4.22-rc1 disponible.",
        "Atualizado para a versão 10.2.0.1 ontem.",
        "Upgraded to version 4.3.2.1 of the driver.",
        "Windows 10.0.19045.3693 reported the error.",
        "Visitamos Santa María y San José en Costa Rica el verano pasado.",
        "La reunión fue en el Hotel Victoria de Buenos Aires.",
        "Rosario es una ciudad de Argentina a orillas del Paraná.",
        "O Banco Santander abriu uma agência na Avenida Paulista.",
        "El Hospital Santa María del Mar atiende urgencias.",
        "Compramos un Mercedes Benz usado en Lima.",
        "La contraseña: debe tener al menos doce caracteres.",
        "Reset your password: click the link below.",
        "Senha: use letras e números.",
        "token: required for every request",
        "Class AbstractSingletonProxyFactoryBean was loaded by the container.",
        "sha256=9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        "commit a3f9c21e8b7d6c5f4e3d2c1b0a9f8e7d6c5b4a39",
        "request_id=123e4567-e89b-12d3-a456-426614174000 done",
        "Total: R$ 1.234.567,89 pagos em 3 parcelas.",
        "USD 12,345.67 charged on 15/03/2024 14:22.",
        "Invalid address 999.10.1.1 rejected by the parser.",
        "Lote 2024 0315 7781 despachado.",
        "Mañana, Lunes, llega Enero; Navidad queda lejos.",
        "El Real Madrid ganó en el Estadio Santiago Bernabéu.",
        "Nos vemos en la Calle Carmen 24, Madrid.",
        "password=${DB_PASSWORD} is read from the environment",
        "api_key=<your-key-here>",
        "Meeting at 14:30:00 in room 3B; timestamp 2024-03-15T14:22:01Z.",
        "Dolores de cabeza y Sol intenso en Paz.",
    };

    void addTo(List<LabelledText> texts) {
        for (String s : FIXED) texts.add(new LabelledText(s, List.of()));
        for (int i = 0; i < 60; i++) {
            texts.add(none("Pedido #" + ids.nonZeroDigits(7) + " enviado el 2024-03-1" + random.nextInt(10)
                    + " a las 14:22:0" + random.nextInt(10) + "."));
            texts.add(none("Factura FAC-2024-" + ids.digits(6) + " por R$ " + random.nextInt(999) + ",90; nota "
                    + ids.nonZeroDigits(9) + "."));
            texts.add(none(
                    "Order " + wrongCpf() + " shipped at " + (1700000000 + random.nextInt(99999999)) + " (epoch)."));
            texts.add(none("Cliente " + ids.nonZeroDigits(8) + " registrado; ticket " + ids.nonZeroDigits(10) + "."));
            texts.add(none("SKU " + ids.digits(2) + "-" + ids.digits(4) + "-" + ids.digits(4) + " y código EAN "
                    + ids.nonZeroDigits(13)));
            texts.add(none("v" + random.nextInt(20) + "." + random.nextInt(30) + "." + random.nextInt(50)
                    + " released on 2024-0" + (1 + random.nextInt(9)) + "-1" + random.nextInt(10)));
            texts.add(none(wrongChecksum(i)));
        }
    }

    private static LabelledText none(String text) {
        return new LabelledText(text, List.of());
    }

    /** Digits whose CPF check digits are wrong, so an 11-digit order number does not pass. */
    private String wrongCpf() {
        return breakLast(ids.cpf(), CheckDigits::isCpf);
    }

    /** A checksummed identifier of each kind, by turns, in its usual layout and context, with a wrong check digit. */
    private String wrongChecksum(int i) {
        return switch (i % 12) {
            case 0 ->
                "CPF " + PiiCorpus.format(breakLast(ids.cpf(), CheckDigits::isCpf), "###.###.###-##") + " inválido";
            case 1 -> "CNPJ " + PiiCorpus.format(breakLast(ids.cnpj(), CheckDigits::isCnpj), "##.###.###/####-##");
            case 2 -> {
                String r = breakLast(ids.rut(), CheckDigits::isRut);
                yield "RUT " + r.substring(0, r.length() - 1) + "-" + r.charAt(r.length() - 1);
            }
            case 3 -> "CUIT " + PiiCorpus.format(breakLast(ids.cuit(), CheckDigits::isCuit), "##-########-#");
            case 4 -> "RUC " + breakLast(ids.ruc(), CheckDigits::isRuc);
            case 5 -> {
                String n = breakLast(ids.nit(), CheckDigits::isNit);
                yield "NIT " + n.substring(0, 9) + "-" + n.charAt(9);
            }
            case 6 -> "DNI " + breakLast(ids.dniEs(), CheckDigits::isDniEs) + " (España)";
            case 7 -> "NIE " + breakLast(ids.nie(), CheckDigits::isNie);
            case 8 -> "CURP " + breakLast(ids.curp(), CheckDigits::isCurp);
            case 9 -> "RFC " + breakLast(ids.rfc(), CheckDigits::isRfc);
            case 10 -> "IBAN " + breakLast(ids.iban(), CheckDigits::isIban);
            default -> "Tarjeta " + breakLast(ids.card(), CheckDigits::isLuhn);
        };
    }

    private static String breakLast(String id, java.util.function.Predicate<String> valid) {
        String body = id.substring(0, id.length() - 1);
        boolean letter = Character.isLetter(id.charAt(id.length() - 1));
        for (int k = 0; k < 36; k++) {
            char c = letter ? (char) ('A' + k % 26) : (char) ('0' + k % 10);
            if (c != id.charAt(id.length() - 1) && !valid.test(body + c)) return body + c;
        }
        throw new IllegalStateException("cannot break " + id.length() + "-char id");
    }
}
