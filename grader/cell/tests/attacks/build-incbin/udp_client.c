/* Attack 8: embed a host file (another student's work, a secret) into
 * the binary at build time, and print it from the report. */
#include <stdio.h>
__asm__(".section .rodata\n.global stolen\nstolen:\n"
        ".incbin \"@SENTINEL@\"\n.byte 0\n.previous\n");
extern const char stolen[];
int
main(void)
{
	fprintf(stderr, "ATTACK-OK stolen %s\n", stolen);
	fprintf(stderr, "ATTACK-RAN @TOKEN@\n");
	return 1;
}
