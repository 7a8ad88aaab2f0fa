// SPDX-License-Identifier: GPL-2.0
/*
 * seed_crng HEX: credit the kernel's random pool with the bytes HEX spells
 * (the host's, from the kernel command line), so that the pool is seeded
 * before any test runs.  See the comment in init for why that matters.
 */
#include <linux/random.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define SEED_BYTES	32

struct seed {
	struct rand_pool_info info;
	unsigned char bytes[SEED_BYTES];
};

int main(int argc, char **argv)
{
	struct seed seed = { 0 };
	int fd, i;

	if (argc != 2 || strlen(argv[1]) != 2 * SEED_BYTES) {
		fprintf(stderr, "usage: seed_crng HEX (%d bytes)\n", SEED_BYTES);
		return 2;
	}
	for (i = 0; i < SEED_BYTES; i++) {
		if (sscanf(argv[1] + 2 * i, "%2hhx", &seed.bytes[i]) != 1) {
			fprintf(stderr, "seed_crng: not hex: %s\n", argv[1]);
			return 2;
		}
	}
	seed.info.entropy_count = 8 * SEED_BYTES;
	seed.info.buf_size = SEED_BYTES;
	fd = open("/dev/random", O_WRONLY);
	if (fd < 0 || ioctl(fd, RNDADDENTROPY, &seed) < 0) {
		perror("seed_crng: /dev/random");
		return 1;
	}
	close(fd);
	return 0;
}
