#!/bin/sh
# Gradescope autograder setup (runs once, as root, when the image is
# built): install the kit's build dependencies and build the grader.
# The zip carries no solutions/: the grader needs only each lab's kit
# Makefile there, which is the skeleton's own (labs/LAB/Makefile).
set -eu
HERE=${AUTOGRADER:-/autograder}/source
cd "$HERE"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -q build-essential \
	make pkg-config libpcap-dev check libssl-dev python3
rm -rf socklab
mkdir socklab
tar xzf socklab.tar.gz -C socklab
for lab in lab1-udp lab2-tcp; do
	mkdir -p "socklab/solutions/$lab"
	cp "socklab/labs/$lab/Makefile" "socklab/solutions/$lab/Makefile"
done
: >socklab/solutions/module.mk
make -C socklab build/labgrade build/labpeer build/labsniff
