/**
 * Benchmarks run from the command line ({@code vae4j bench}): SGEMM peak and trainer throughput measured side by
 * side in one process. Not used by library code.
 */
package io.github.vae4j.bench;
