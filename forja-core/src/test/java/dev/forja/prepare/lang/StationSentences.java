package dev.forja.prepare.lang;

/** One sentence, asking for the nearest train station, in Spanish, Portuguese, English and French. */
public final class StationSentences {
    private StationSentences() {}

    public static final String ES = "¿Dónde está la estación de tren más cercana? Necesito llegar antes de las nueve.";
    public static final String PT = "Onde fica a estação de trem mais próxima? Preciso chegar antes das nove horas.";
    public static final String EN = "Where is the nearest train station? I need to get there before nine o'clock.";
    public static final String FR =
            "Où se trouve la gare la plus proche ? Je dois y arriver avant neuf heures du matin.";
}
