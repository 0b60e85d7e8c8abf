package dev.forja.eval;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The {@code 13a} tokenizer of mteval-v13a.pl as sacreBLEU applies it (its default for BLEU): unescapes four XML
 * entities, splits off punctuation and symbols, and splits periods and commas except inside numbers, and a dash that
 * follows a digit.
 *
 * <p>Example: {@code "It wasn't 3.5-4 km, ok?"} → {@code "It wasn't 3.5 - 4 km , ok ?"}.
 */
public final class Tokenizer13a {

    /**
     * Symbols always split off: {@code { | } ~ [ \ ] ^ _ ` space ! " # $ % & ( ) * + : ; < = > ? @ /}. Not the
     * apostrophe, comma, hyphen or period; those have the rules below.
     */
    private static final Pattern SYMBOL = Pattern.compile("([{-~\\[-` -&(-+:-@/])");
    /** A period or comma after a non-digit. */
    private static final Pattern PUNCT_AFTER_NON_DIGIT = Pattern.compile("([^0-9])([.,])");
    /** A period or comma before a non-digit. */
    private static final Pattern PUNCT_BEFORE_NON_DIGIT = Pattern.compile("([.,])([^0-9])");
    /** A dash after a digit ("1-2" → "1 - 2"). */
    private static final Pattern DASH_AFTER_DIGIT = Pattern.compile("([0-9])(-)");

    private Tokenizer13a() {}

    /** The tokenized line: tokens joined by single spaces, no leading or trailing space. */
    public static String tokenize(String line) {
        String s = PythonWhitespace.rstrip(line);
        s = s.replace("<skipped>", "")
                .replace("-\n", "")
                .replace("\n", " ")
                .replace("&quot;", "\"")
                .replace("&amp;", "&")
                .replace("&lt;", "<")
                .replace("&gt;", ">");
        // The padding lets the digit rules see a neighbour at both ends, as mteval does.
        s = " " + s + " ";
        s = SYMBOL.matcher(s).replaceAll(" $1 ");
        s = PUNCT_AFTER_NON_DIGIT.matcher(s).replaceAll("$1 $2 ");
        s = PUNCT_BEFORE_NON_DIGIT.matcher(s).replaceAll(" $1 $2");
        s = DASH_AFTER_DIGIT.matcher(s).replaceAll("$1 $2 ");
        return String.join(" ", PythonWhitespace.split(s));
    }

    /** The tokens of {@link #tokenize}. */
    public static List<String> tokens(String line) {
        return PythonWhitespace.split(tokenize(line));
    }
}
