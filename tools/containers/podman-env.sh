# Sourced (not run) by the containers scripts: the podman set-up this project uses on machines without a
# Docker engine (docs: README "Containers suite"; measured facts in docs/STACK.md "Containers on these machines").
#
# - runc, not podman's default crun: crun fails on kernels with hybrid cgroups ("cgroups in hybrid mode not
#   supported"), runc works there and everywhere else.
# - default ulimits at most what this machine allows: podman's defaults (nofile 1048576) are above the hard
#   limits here, and raising a limit needs CAP_SYS_RESOURCE, so every container would fail to start.
# The configuration is this project's own file (CONTAINERS_CONF): the machine's containers.conf is left alone.

CONTAINERS_ROOT="${CONTAINERS_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
CONTAINERS_CACHE="${CONTAINERS_CACHE:-$CONTAINERS_ROOT/.cache/containers}"
mkdir -p "$CONTAINERS_CACHE"

# Soft = hard = 16384, or half this shell's hard limit where that is lower. Measured here (podman 4.3, runc):
# values right at the hard limit fail too (conmon runs with nproc 32768 and the runtime cannot reach the
# shell's own nofile limit), hence the margin. Node and Java services need far fewer.
_limit() { local hard="$1"; if [ "$hard" = unlimited ] || [ "$hard" -ge 32768 ]; then echo 16384; else echo $((hard / 2)); fi; }
_nofile="$(_limit "$(ulimit -Hn)")"
_nproc="$(_limit "$(ulimit -Hu)")"
_conf="$CONTAINERS_CACHE/containers.conf"
_wanted="# written by tools/containers/podman-env.sh
[containers]
default_ulimits = [\"nofile=${_nofile}:${_nofile}\", \"nproc=${_nproc}:${_nproc}\"]

[engine]
runtime = \"runc\"
# How long a finished API exec session keeps its conmon (podman's default 300 s mimics Docker keeping the
# session for 5 minutes). API clients read the exit code at once; the suite leaves no process behind.
exit_command_delay = 15
"
if [ ! -f "$_conf" ] || [ "$(cat "$_conf")" != "$_wanted" ]; then
  printf '%s' "$_wanted" >"$_conf.$$" && mv "$_conf.$$" "$_conf"
fi
export CONTAINERS_CONF="$_conf"
# `podman build` applies containers.conf's default_ulimits to `podman run` but not to its RUN steps (podman
# 4.3): builds pass the same limits explicitly.
CONTAINERS_BUILD_ULIMITS=(--ulimit "nofile=${_nofile}:${_nofile}" --ulimit "nproc=${_nproc}:${_nproc}")
unset _limit _nofile _nproc _conf _wanted

# Labels of everything the containers suite creates (removed at the end, also on failure).
export CONTAINERS_SUITE_LABEL="io.mcp-cognito.containers-suite=true"
# The compose project the suite brings up (never `mcp-cognito`, the README's: a developer's own stack and
# its dev keys volume are left alone).
export CONTAINERS_SUITE_COMPOSE_PROJECT="mcp-cognito-suite"
