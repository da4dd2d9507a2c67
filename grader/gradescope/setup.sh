#!/bin/sh
# Gradescope autograder setup (runs once, as root, when the image is
# built): install the kit's build dependencies and build the grader.
# The zip carries no solutions/: the grader builds submissions with each
# lab's own Makefile (labs/LAB/Makefile), and the kit's Makefile builds
# without solutions/.
set -eu
HERE=${AUTOGRADER:-/autograder}/source
cd "$HERE"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -q build-essential \
	make pkg-config libpcap-dev check libssl-dev libseccomp-dev bubblewrap \
	python3
rm -rf socklab
mkdir socklab
tar xzf socklab.tar.gz -C socklab
make -C socklab build/labgrade build/labpeer build/labsniff
