#!/usr/bin/env bash
# Native-backend settings for this host, used by ./vae4j (sourced) and by Maven's test runner (executed).
#
#   source bin/native-env.sh          exports OPENBLAS_CORETYPE and OMP_NUM_THREADS unless already set
#   bin/native-env.sh --properties F  writes them as Maven properties to F (openblas.coretype, omp.num.threads)
#
# OPENBLAS_CORETYPE: the OpenBLAS bundled with ND4J 1.0.0-M2.1 does not recognise newer CPUs and falls back to
# slower kernels. We pick the kernel family from the instruction sets the CPU reports: SkylakeX for AVX-512,
# Haswell for AVX2+FMA, and leave it unset otherwise (OpenBLAS's own detection). See docs/performance.md.
# The detected value replaces an inherited OPENBLAS_CORETYPE (an image-wide default such as Haswell would cost 40%
# on an AVX-512 host); set VAE4J_OPENBLAS_CORETYPE to force a value.
# OMP_NUM_THREADS: VAE4J_OMP_NUM_THREADS if set, else 1: on the 2-core reference machine training ran 2.06x faster
# with one OpenMP thread than with two (7,940 vs 3,859 ex/s; docs/performance.md), because ND4J's element-wise ops
# at VAE sizes lose more to thread hand-off than the GEMMs gain.

vae4j_detect_coretype() {
  local flags
  flags=$(grep -m1 -E '^flags' /proc/cpuinfo 2>/dev/null) || return 0
  if [[ " $flags " == *" avx512f "* && " $flags " == *" avx512bw "* && " $flags " == *" avx512vl "* && " $flags " == *" avx512dq "* ]]; then
    echo SkylakeX
  elif [[ " $flags " == *" avx2 "* && " $flags " == *" fma "* ]]; then
    echo Haswell
  fi
}

vae4j_detect_threads() {
  echo 1
}

if [[ "${1:-}" == "--properties" ]]; then
  out=${2:?usage: native-env.sh --properties FILE}
  mkdir -p "$(dirname "$out")"
  {
    echo "openblas.coretype=${VAE4J_OPENBLAS_CORETYPE:-$(vae4j_detect_coretype)}"
    echo "omp.num.threads=${VAE4J_OMP_NUM_THREADS:-$(vae4j_detect_threads)}"
  } > "$out"
else
  ct=${VAE4J_OPENBLAS_CORETYPE:-$(vae4j_detect_coretype)}
  if [[ -n "$ct" ]]; then export OPENBLAS_CORETYPE="$ct"; else unset OPENBLAS_CORETYPE; fi
  export OMP_NUM_THREADS="${VAE4J_OMP_NUM_THREADS:-$(vae4j_detect_threads)}"
fi
