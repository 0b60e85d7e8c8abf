/**
 * Training past one process: PyTorch's own c10d (a TCPStore rendezvous and ProcessGroupGloo collectives) driven from
 * Java, configured by torchrun's environment variables.
 */
package dev.forja.dist;
