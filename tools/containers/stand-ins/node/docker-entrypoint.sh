#!/bin/sh
# Entrypoint of the local stand-in for the official `node` image, with the same contract: when the first
# argument is not a command (an option such as `-e` or `--version`, or a script file that is not
# executable), the arguments are handed to node; otherwise the command runs as given.
set -e
if [ "${1#-}" != "$1" ] || ! command -v "$1" >/dev/null 2>&1 || { [ -f "$1" ] && [ ! -x "$1" ]; }; then
  set -- node "$@"
fi
exec "$@"
