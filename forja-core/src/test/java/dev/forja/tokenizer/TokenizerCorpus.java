package dev.forja.tokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Small multilingual, code and log texts that exercise the byte-level paths: accents, tabs, emoji, CJK. */
final class TokenizerCorpus {

    static final List<String> LINES = List.of(
            "",
            "¿Dónde está la estación de tren? ¡Qué día tan bonito para la canción de la montaña!",
            "El niño español comió piña y jamón en la región de la información y la educación.",
            "A população da região não está satisfeita com a decisão; o coração e as ações são lições.",
            "The quick brown fox doesn't jump over the lazy dog; it's what we'll see, they've said.",
            "public static void main(String[] args) {\n\tSystem.out.println(\"Hola, señor\");\n}",
            "def greet(name):\n    if name:\n        return f\"hola {name}\"\n\treturn None  # tab",
            "Jan 12 10:15:32 srv01 sshd[2345]: Failed password for invalid user admin from 10.0.0.7 port 52113",
            "192.168.1.10 - - [12/Jan/2025:10:15:32 +0000] \"GET /api/v1/users?id=42 HTTP/1.1\" 200 512 \"-\"",
            "{\"level\":\"error\",\"ts\":\"2025-01-12T10:15:32Z\",\"msg\":\"conexión rechazada\",\"code\":503}",
            "Familia 👨‍👩‍👧‍👦, banderas 🇪🇸🇧🇷🇺🇸, pulgar 👍🏽 y corazón ❤️ 🎉🎉",
            "日本語のテキストと中文文本，还有한국어 텍스트。",
            "   leading spaces,\t\ttabs,\n\n\nnewlines   and trailing   ",
            "\u00a0no-break\u3000ideographic space\u2003em space",
            "x");

    /** Spanish prose repeated enough for frequent pairs such as " de" and "ción" to win merges. */
    static final String SPANISH = """
            La educación de la población es la base de la nación. La información de la región llega a la \
            estación de radio de la ciudad. La canción de la montaña habla de la tradición y de la emoción \
            de la gente de la sierra. Dónde está la solución de la ecuación de la función?
            """;

    private TokenizerCorpus() {}

    /** Writes a training file: the Spanish prose many times, then every corpus line a few times. */
    static Path writeTrainingFile(Path dir) throws IOException {
        StringBuilder sb = new StringBuilder();
        sb.append(SPANISH.repeat(40));
        for (int i = 0; i < 5; i++) {
            LINES.forEach(l -> sb.append(l).append('\n'));
        }
        return Files.writeString(dir.resolve("corpus.txt"), sb.toString());
    }

    /**
     * Trains a byte-level BPE of {@code vocabSize} on the training file (written into {@code dir}) and writes its
     * tokenizer files into {@code modelDir}.
     */
    static void trainTokenizer(Path dir, int vocabSize, Path modelDir) throws IOException {
        Path corpus = writeTrainingFile(dir);
        BpeTrainer.train(List.of(corpus), vocabSize, ByteLevelTokenizerFiles.DEFAULT_SPECIAL_TOKENS, 2)
                .write(modelDir);
    }
}
