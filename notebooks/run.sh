#!/usr/bin/env bash
# Executes every notebook in notebooks/ on the Jupyter Java kernel and fails on the first cell error.
#
#   notebooks/run.sh                       all notebooks (NN-*.ipynb), executed copies in target/notebooks
#                                          (what ./mvnw verify runs)
#   notebooks/run.sh --in-place            the same, written back into notebooks/: the committed outputs
#   notebooks/run.sh [--in-place] 01-train-and-sample.ipynb ...
#
# Needs: the built project (./mvnw package -DskipTests: target/vae4j.jar, target/lib, target/jupyter/
# rapaio-jupyter-kernel.jar) and Jupyter's headless runner from Debian:
#   apt-get install --no-install-recommends jupyter-nbconvert jupyter-client
# The kernel spec is written into a project-local JUPYTER_PATH (target/jupyter), nothing is installed for the user.
# The notebooks load vae4j with `%jars ../target/notebook-classpath`: a folder of links to vae4j's jar and its
# runtime jars, without the native libraries of other platforms and the image/video codecs DL4J pulls in (JShell
# takes minutes to index those).
set -euo pipefail
shopt -s nullglob
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

nbconvert=/usr/bin/jupyter-nbconvert
if [[ ! -x "$nbconvert" ]]; then
  echo "notebooks: Jupyter is not installed, notebooks not run; install it with: apt-get install --no-install-recommends jupyter-nbconvert jupyter-client"
  exit 0
fi
kernel_jar="$root/target/jupyter/rapaio-jupyter-kernel.jar"
for f in target/vae4j.jar target/lib "$kernel_jar"; do
  if [[ ! -e "$f" ]]; then
    echo "notebooks: $f is missing; build first with ./mvnw package -DskipTests" >&2
    exit 1
  fi
done

# the classpath folder the notebooks' first cell loads
cp_dir="$root/target/notebook-classpath"
rm -rf "$cp_dir"
mkdir -p "$cp_dir"
ln -s "$root/target/vae4j.jar" "$cp_dir/vae4j.jar"
for jar in "$root"/target/lib/*.jar; do
  name=$(basename "$jar")
  case "$name" in
    *opencv*|*ffmpeg*|*leptonica*|*tesseract*|*hdf5*|*mkl*|*artoolkit*|*videoinput*|*flycapture*|*libdc1394*|*libfreenect*|*librealsense*) continue ;;
    *-android-*|*-ios-*|*-macosx-*|*-windows-*|*-linux-arm*|*-linux-ppc*) continue ;;
  esac
  ln -s "$jar" "$cp_dir/$name"
done

# the kernel spec, with the native settings ./vae4j uses
source bin/native-env.sh
spec_dir="$root/target/jupyter/kernels/vae4j-java"
mkdir -p "$spec_dir"
cat > "$spec_dir/kernel.json" <<JSON
{
  "argv": ["java", "-Xmx2g", "-Djava.awt.headless=true", "-Dvae4j.models=$root/models", "-jar", "$kernel_jar", "{connection_file}"],
  "display_name": "Java (vae4j)",
  "language": "java",
  "interrupt_mode": "message",
  "env": {"RJK_TIMEOUT_MILLIS": "-1", "OPENBLAS_CORETYPE": "${OPENBLAS_CORETYPE:-}", "OMP_NUM_THREADS": "${OMP_NUM_THREADS}"}
}
JSON

in_place=false
if [[ "${1:-}" == "--in-place" ]]; then
  in_place=true
  shift
fi
if [[ $# -gt 0 ]]; then
  notebooks=("$@")
else
  notebooks=(notebooks/[0-9][0-9]-*.ipynb)
  if [[ ${#notebooks[@]} -eq 0 ]]; then
    echo "notebooks: no notebooks/NN-*.ipynb to run" >&2
    exit 1
  fi
fi
for nb in "${notebooks[@]}"; do
  [[ -f "$nb" ]] || nb="notebooks/$nb"
  echo "notebooks: running $nb"
  start=$(date +%s)
  if $in_place; then
    where=(--inplace)
  else
    where=(--output-dir "$root/target/notebooks")
  fi
  # A kernel start now and then never answers Jupyter's first request: the kernel's log shows its channels bound and
  # its control channel answering, but no kernel_info_request arriving on the shell channel (seen in 1 to 4 of 10
  # starts on the 2-core machine; kernel ports outside Linux's ephemeral range did not prevent it). A JVM kernel
  # answers within seconds, so a start is given 25 s and retried, up to 6 tries; any other failure fails at once.
  tries=6
  for try in $(seq 1 $tries); do
    log=$(mktemp)
    trap 'rm -f "$log"' EXIT
    rc=0
    # the output streams as it comes (tee) and is kept to look for the kernel's start failure
    JUPYTER_PATH="$root/target/jupyter" "$nbconvert" --to notebook --execute "${where[@]}" \
      --ExecutePreprocessor.kernel_name=vae4j-java --ExecutePreprocessor.timeout=600 \
      --ExecutePreprocessor.startup_timeout=25 "$nb" 2>&1 | tee "$log" || rc=${PIPESTATUS[0]}
    if [[ $rc -eq 0 ]]; then
      rm -f "$log"
      break
    fi
    if [[ $try -lt $tries ]] && grep -q "Kernel didn't respond" "$log"; then
      echo "notebooks: the kernel did not answer within 25 s, starting it again ($nb, try $((try + 1)) of $tries)" >&2
      rm -f "$log"
      continue
    fi
    rm -f "$log"
    exit 1
  done
  echo "notebooks: $nb ran in $(( $(date +%s) - start )) s"
done
