#!/bin/sh
# As the official redis image does without a config file: reachable from the
# other containers (protected mode off), whatever the arguments.
exec "$@" --protected-mode no --bind 0.0.0.0
