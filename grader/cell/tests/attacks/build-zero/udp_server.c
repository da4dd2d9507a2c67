/* Attack 8: a build that never ends: the compiler reads /dev/zero. */
#include "/dev/zero"
