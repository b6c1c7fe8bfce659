/**
 * Training vae4j models on Apache Spark with DL4J's parameter-averaging trainer ({@code dl4j-spark}): the same graph,
 * layers and losses as {@code vae4j train}, the training data read on the executors, the same outputs (model zip,
 * metadata, metrics). A separate artifact, so that the core does not depend on Spark.
 */
package io.github.vae4j.spark;
