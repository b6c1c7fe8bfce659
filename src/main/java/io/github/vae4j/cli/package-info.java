/**
 * The {@code vae4j} command line (picocli): thin commands that parse flags and call the library. The only package
 * that prints to standard output.
 */
package io.github.vae4j.cli;
