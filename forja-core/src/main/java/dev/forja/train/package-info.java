/** The training loop, optimizer, schedules, checkpoints and monitoring. */
package dev.forja.train;
