/** What every benchmark reports beside its figures: the machine, the threads, the memory high-water mark. */
package dev.forja.bench;
