#!/usr/bin/env bash
# Runs the health checks of the containers suite's containers, every INTERVAL seconds, until killed.
#
# Docker's engine schedules HEALTHCHECKs itself; podman 4.3 hands them to systemd timers, and where there is
# no systemd (CI VMs, containers) nothing ever runs them: every container stays "starting", and compose's
# `depends_on: condition: service_healthy` would wait forever. This loop plays the scheduler's part with
# `podman healthcheck run`, which runs the image's or compose file's own check and records the result
# exactly as a timer would (status, failing streak, retries, start period). It checks more often than the
# configured intervals (a stack becomes healthy sooner than under Docker, never on a weaker check).
#
#   healthcheck-ticker.sh INTERVAL LABEL...   (containers carrying any of the labels; podman-env.sh set up)
set -u
interval="$1"
shift
while sleep "$interval"; do
  for label in "$@"; do
    for id in $(podman ps --quiet --filter "label=$label" --filter status=running 2>/dev/null); do
      # Containers without a health check answer an error: nothing to do for them.
      podman healthcheck run "$id" >/dev/null 2>&1 || true
    done
  done
done
