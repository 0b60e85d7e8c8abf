/**
 * What every benchmark reports beside its figures: the machine, the threads, the memory high-water mark, the matmul
 * peak under a given thread setup ({@link dev.forja.bench.MatmulPeak}) and how busy the machine was while it was
 * measured ({@link dev.forja.bench.LoadAverage}, {@link dev.forja.bench.OtherCpu}); {@code --precision auto}'s
 * measured choice ({@link dev.forja.bench.PrecisionProbe}); and a training step timed by section
 * ({@link dev.forja.bench.ProfiledModel} into a {@link dev.forja.bench.StepProfile}).
 */
package dev.forja.bench;
