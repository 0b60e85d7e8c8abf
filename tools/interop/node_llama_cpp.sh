# Sourced by the scripts that run llama.cpp through node-llama-cpp 3.21.1 (tools/interop/check_llama_cpp.sh,
# tools/bench/decode_vs_llama_cpp.sh). install_node_llama_cpp installs it once into $FORJA_NODE_LLAMA_CPP (default
# ~/.cache/forja/node-llama-cpp-3.21.1, ~700 MB), never into the repository, and exports NODE_PATH; it needs npm and
# the npm registry the first time.
install_node_llama_cpp() {
  nlc=${FORJA_NODE_LLAMA_CPP:-$HOME/.cache/forja/node-llama-cpp-3.21.1}
  if [ ! -d "$nlc/node_modules/node-llama-cpp" ]; then
    echo "installing node-llama-cpp 3.21.1 into $nlc (once)..." >&2
    mkdir -p "$nlc"
    npm install --prefix "$nlc" --no-audit --no-fund --loglevel=error node-llama-cpp@3.21.1 >&2
  fi
  export NODE_PATH="$nlc/node_modules"
}
