/**
 * Data through DataVec: the IDX record reader, CSV loading, named data sets (embedded mnist10k, fashion, idx:, csv:),
 * train/test splits, normalizers and the shuffling batch iterator. No models or training loops here.
 */
package io.github.vae4j.data;
