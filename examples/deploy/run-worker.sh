#!/bin/sh
# Starts the worker on a build host the quick way.
set -eu
docker run -d --name worker \
  --privileged \
  -v /:/host \
  -e AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY \
  example/worker:latest
