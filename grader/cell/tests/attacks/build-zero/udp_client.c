/* Attack 8: a build that fills the disk: a 3 GB object file. */
__asm__(".data\n.space 3000000000\n");
int
main(void)
{
	return 1;
}
