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
# Gradescope's containers cannot make namespaces: the submission's
# programs run as an unprivileged uid (the fallback), and where the
# kernel has no Landlock they may read every world-readable file.  The
# labs' tests (hidden ones included, and the broken submissions' edits
# of the references), their objects and the tarball holding them all
# are root's alone; the labs' Makefiles and common files stay readable
# for the build.
chmod 600 socklab.tar.gz
chmod 700 socklab/grader
if [ -d socklab/build/grader ]; then chmod 700 socklab/build/grader; fi
