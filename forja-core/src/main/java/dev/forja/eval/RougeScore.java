package dev.forja.eval;

/** A ROUGE result: precision (over the hypothesis), recall (over the reference) and their F1, each in [0, 1]. */
public record RougeScore(double precision, double recall, double f1) {}
