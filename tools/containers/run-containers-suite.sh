#!/usr/bin/env bash
# `npm run test:containers`: the containers suite, on Docker or on podman (CI: podman, no image registry).
#
#   1. the engine: Docker when its daemon answers, else podman (installed from Debian when missing, as root);
#      CONTAINER_ENGINE=docker|podman chooses. podman serves the Docker API on a private socket
#      (`podman system service`) for testcontainers and Docker Compose v2.
#   2. base images: with podman and no registry, local stand-ins under the official names
#      (stand-in-images.sh); with Docker (or CONTAINERS_BASE_IMAGES=registry) the real ones are pulled.
#   3. the storage suite on DynamoDB Local through testcontainers (DYNAMODB_LOCAL_RUNTIME=container).
#   4. the three service images built from apps/<name>/Dockerfile.
#   5. e2e/jest.containers.config.cts: the images as ECS runs them, then `docker compose up --build`, each
#      with a real MCP client signing in and calling tools.
# Everything the run creates (containers, volumes, networks, the API service, the health-check ticker) is
# removed at the end, on failure too, and the run fails if anything is left. Nothing is skipped: a machine
# that cannot run containers fails with a message saying what is missing.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
export NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false

die() { printf '\ncontainers suite: %s\n' "$*" >&2; exit 1; }
suite_started=$(date +%s)
step_name="" step_started=$suite_started
timings=()
step() {
  local now; now=$(date +%s)
  [ -n "$step_name" ] && timings+=("$(printf '%5ss  %s' "$((now - step_started))" "$step_name")")
  step_name="$1" step_started=$now
  [ -n "$1" ] && printf '\n=== containers: %s (%ss)\n' "$1" "$((now - suite_started))"
  return 0
}

# ---- engine -----------------------------------------------------------------------------------------------
step "container engine"
ENGINE="${CONTAINER_ENGINE:-auto}"
if [ "$ENGINE" = auto ]; then
  if command -v docker >/dev/null && timeout 10 docker info >/dev/null 2>&1 && ! docker version 2>/dev/null | grep -q 'Podman Engine'; then
    ENGINE=docker
  else
    ENGINE=podman
  fi
fi
case "$ENGINE" in docker | podman) ;; *) die "CONTAINER_ENGINE must be docker or podman, got \"$ENGINE\"" ;; esac
BASE_IMAGES="${CONTAINERS_BASE_IMAGES:-$([ "$ENGINE" = podman ] && echo stand-in || echo registry)}"
case "$BASE_IMAGES" in stand-in | registry) ;; *) die "CONTAINERS_BASE_IMAGES must be stand-in or registry, got \"$BASE_IMAGES\"" ;; esac
echo "engine: $ENGINE, base images: $BASE_IMAGES"

# shellcheck source=podman-env.sh
. tools/containers/podman-env.sh
# shellcheck source=image-names.sh
. tools/containers/image-names.sh

if [ "$ENGINE" = podman ]; then
  packages=()
  command -v podman >/dev/null || packages+=(podman)
  command -v runc >/dev/null || [ -x /usr/sbin/runc ] || packages+=(runc)
  [ "$BASE_IMAGES" = registry ] || command -v mmdebstrap >/dev/null || packages+=(mmdebstrap)
  if [ ${#packages[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      echo "installing from Debian: ${packages[*]}"
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${packages[@]}" >/dev/null
    else
      die "this machine cannot run the containers suite yet: ${packages[*]} missing. Install them (Debian/Ubuntu: sudo apt-get install -y ${packages[*]}), or run it on Docker (CONTAINER_ENGINE=docker)."
    fi
  fi
  podman --version
  CLI=podman
else
  command -v docker >/dev/null || die "CONTAINER_ENGINE=docker, but there is no docker CLI"
  timeout 10 docker info >/dev/null 2>&1 || die "CONTAINER_ENGINE=docker, but the Docker daemon does not answer (docker info)"
  docker version --format 'docker {{.Server.Version}}'
  CLI=docker
fi

step "Docker Compose v2 client"
COMPOSE_JSON="$(bash tools/containers/compose-v2.sh)"
echo "compose: $COMPOSE_JSON"

# docker-compose.yml publishes these on 127.0.0.1; fail now, before any build, when something holds them.
busy=()
for port in 3000 3001 8000 9000; do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && busy+=("$port"); done
[ ${#busy[@]} -eq 0 ] || die "127.0.0.1 port(s) ${busy[*]} in use: the compose stack publishes them (stop \`npm start\`, \`docker compose up\` or whatever listens there)"

# ---- clean-up, on every exit ------------------------------------------------------------------------------
RUN_DIR="$(mktemp -d "${TMPDIR:-/tmp}/mcp-containers.XXXXXX")"
SERVICE_PID="" TICKER_PID=""
compose_down() {
  local cmd
  mapfile -t cmd < <(node -e 'for (const p of JSON.parse(process.argv[1])) console.log(p)' "$COMPOSE_JSON")
  "${cmd[@]}" --project-name "$CONTAINERS_SUITE_COMPOSE_PROJECT" --project-directory "$ROOT" --file "$ROOT/docker-compose.yml" \
    down --volumes --remove-orphans --timeout 5 >/dev/null 2>&1 || true
}
cleanup() {
  local status=$? left=()
  set +e
  step "clean-up"
  compose_down
  local project_label="com.docker.compose.project=$CONTAINERS_SUITE_COMPOSE_PROJECT"
  local labels=("$CONTAINERS_SUITE_LABEL" "$project_label")
  # Ryuk is off on podman: testcontainers' own containers are removed here when a run died before its teardown.
  [ "$ENGINE" = podman ] && labels+=("org.testcontainers=true")
  for label in "${labels[@]}"; do
    ids="$($CLI ps --all --quiet --filter "label=$label")"
    [ -n "$ids" ] && $CLI rm --force $ids >/dev/null 2>&1
  done
  ids="$($CLI volume ls --quiet --filter "label=$project_label")"; [ -n "$ids" ] && $CLI volume rm --force $ids >/dev/null 2>&1
  ids="$($CLI network ls --quiet --filter "label=$project_label")"; [ -n "$ids" ] && $CLI network rm $ids >/dev/null 2>&1
  if [ "$ENGINE" = podman ] && [ "${CI:-}" = true ]; then
    # CI keeps its machine between runs: untagged images (layers of earlier runs' builds, replaced stand-ins
    # and compose images) go, the tagged ones (base images, mcp-cognito/*, their build stages, compose's)
    # stay as the next run's cache. (On a developer's machine the suite leaves their images alone.)
    podman image prune --force >/dev/null 2>&1
  fi
  if [ -n "$TICKER_PID" ]; then kill "$TICKER_PID" 2>/dev/null; wait "$TICKER_PID" 2>/dev/null; fi
  if [ -n "$SERVICE_PID" ]; then kill "$SERVICE_PID" 2>/dev/null; wait "$SERVICE_PID" 2>/dev/null; fi
  rm -rf "$RUN_DIR"
  # Nothing may be left: no container, volume or network of the run, no process of it.
  for label in "${labels[@]}"; do
    [ -n "$($CLI ps --all --quiet --filter "label=$label")" ] && left+=("containers labelled $label")
  done
  [ -n "$($CLI volume ls --quiet --filter "label=$project_label")" ] && left+=("volumes of $project_label")
  [ -n "$($CLI network ls --quiet --filter "label=$project_label")" ] && left+=("networks of $project_label")
  for pid in $SERVICE_PID $TICKER_PID; do kill -0 "$pid" 2>/dev/null && left+=("process $pid"); done
  if [ "$ENGINE" = podman ]; then
    # conmon monitors one container each, aardvark-dns serves a podman network: none may outlive the run
    # (they exit with their container or network, an exec session's after exit_command_delay; 25 s of grace).
    local name pids
    for name in conmon aardvark-dns; do
      for _ in $(seq 1 50); do
        pids="$(ps -C "$name" -o pid=,stat= | awk '$2 !~ /^Z/ {print $1}' | tr '\n' ' ')"
        [ -z "$pids" ] && break
        sleep 0.5
      done
      [ -n "$pids" ] && left+=("$name processes: $pids")
    done
  fi
  step ""
  printf '\n=== containers: time per step\n'
  printf '%s\n' "${timings[@]}"
  printf '%5ss  total\n' "$(($(date +%s) - suite_started))"
  if [ ${#left[@]} -gt 0 ]; then
    printf 'containers suite: left behind after clean-up: %s\n' "${left[*]}" >&2
    status=1
  else
    echo "clean-up: no container, volume, network or process of this run is left"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [ "$ENGINE" = podman ]; then
  step "podman Docker API service"
  podman system service --time=0 "unix://$RUN_DIR/podman.sock" >"$RUN_DIR/service.log" 2>&1 &
  SERVICE_PID=$!
  for _ in $(seq 1 100); do [ -S "$RUN_DIR/podman.sock" ] && break; sleep 0.1; done
  podman --remote --url "unix://$RUN_DIR/podman.sock" version --format 'podman API {{.Server.APIVersion}}' \
    || die "podman system service did not start: $(cat "$RUN_DIR/service.log")"
  export DOCKER_HOST="unix://$RUN_DIR/podman.sock"
  # podman has no BuildKit: compose then builds through the engine's classic build API (buildah), and
  # keeps its buildx state in the run's own folder, not in ~/.docker.
  export DOCKER_BUILDKIT=0 DOCKER_CONFIG="$RUN_DIR/docker-config"
  mkdir -p "$DOCKER_CONFIG" && echo '{}' >"$DOCKER_CONFIG/config.json" # podman reads it too, and wants the file
  # Ryuk (testcontainers' reaper) is an image this machine cannot pull; the storage suite's globalTeardown
  # stops its container and cleanup() above removes any a crashed run left.
  export TESTCONTAINERS_RYUK_DISABLED=true
  # testcontainers takes a /.dockerenv (present on some VMs) for "inside a container" and would then use the
  # bridge gateway; the published ports are on this machine.
  export TESTCONTAINERS_HOST_OVERRIDE=127.0.0.1
  # podman runs health checks from systemd timers; without systemd nothing would (healthcheck-ticker.sh).
  bash tools/containers/healthcheck-ticker.sh 2 "com.docker.compose.project=$CONTAINERS_SUITE_COMPOSE_PROJECT" "$CONTAINERS_SUITE_LABEL" &
  TICKER_PID=$!
fi

if [ "$BASE_IMAGES" = stand-in ]; then
  step "base images: local stand-ins for $NODE_IMAGE and $DYNAMODB_IMAGE"
  [ "$ENGINE" = podman ] || die "stand-in base images are built with podman (CONTAINER_ENGINE=podman)"
  bash tools/containers/stand-in-images.sh
fi

step "the engine runs a container"
$CLI run --rm --network none "$NODE_IMAGE" node -e 'process.stdout.write(`node ${process.version} in a container\n`)' \
  || die "this machine cannot run containers with $ENGINE (see the error above)"

step "storage suite on DynamoDB Local ($DYNAMODB_IMAGE) through testcontainers"
DYNAMODB_ENGINE=dynamodb-local DYNAMODB_LOCAL_RUNTIME=container npx jest -c libs/storage/jest.config.cts

BUILD_FLAGS=()
# podman: Docker's image format (OCI images cannot carry a HEALTHCHECK), the layer cache, no pulls of the
# stand-ins, and the container limits of podman-env.sh for RUN steps.
[ "$ENGINE" = podman ] && BUILD_FLAGS=(--format docker --layers "${CONTAINERS_BUILD_ULIMITS[@]}")
[ "$ENGINE" = podman ] && [ "$BASE_IMAGES" = stand-in ] && BUILD_FLAGS+=(--pull=never)
for app in auth-gateway mcp-tools local-idp; do
  step "build apps/$app/Dockerfile -> mcp-cognito/$app"
  $CLI build "${BUILD_FLAGS[@]}" -f "apps/$app/Dockerfile" -t "mcp-cognito/$app" . >"$RUN_DIR/build-$app.log" 2>&1 \
    || { tail -n 60 "$RUN_DIR/build-$app.log" >&2; die "apps/$app/Dockerfile does not build"; }
  echo "cached steps: $(grep -c 'Using cache' "$RUN_DIR/build-$app.log" || true)"
  if [ "$ENGINE" = podman ]; then
    # Tag the last layer of the build stage: it and its parents (npm ci, nx build) stay the layer cache of
    # the next run while cleanup() prunes every untagged image older runs left (the disk stays bounded).
    build_stage="$(awk '/^--> [0-9a-f]+$/ {last=$2} /^\[2\/2\] STEP 1\// {print last; exit}' "$RUN_DIR/build-$app.log")"
    [ -n "$build_stage" ] && podman tag "$build_stage" "localhost/mcp-cognito/$app-build-stage:cache"
  fi
done

step "images as ECS runs them, and docker compose up --build, with a real MCP client (e2e/jest.containers.config.cts)"
CONTAINERS_SUITE_CLI="$CLI" CONTAINERS_SUITE_COMPOSE="$COMPOSE_JSON" CONTAINERS_SUITE_IMAGE_PREFIX="mcp-cognito/" \
  CONTAINERS_SUITE_NODE_IMAGE="$NODE_IMAGE" DYNAMODB_LOCAL_IMAGE="$DYNAMODB_IMAGE" \
  npx jest -c e2e/jest.containers.config.cts
