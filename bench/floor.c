/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The floor of the benchmark: reads the whole file and writes it to standard
 * output, nothing else. Built with `gcc -static -O2`, it is the least any
 * converter that reads a config and writes one can cost: process start-up,
 * read() and write(). usage: floor FILE
 */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc != 2)
		return 2;
	int fd = open(argv[1], O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0)
		return 5;
	size_t cap = (size_t)st.st_size + 1, len = 0;
	char *buf = malloc(cap);
	if (!buf)
		return 5;
	for (;;) {
		if (len == cap && !(buf = realloc(buf, cap *= 2)))
			return 5;
		ssize_t n = read(fd, buf + len, cap - len);
		if (n < 0)
			return 5;
		if (n == 0)
			break;
		len += (size_t)n;
	}
	for (size_t off = 0; off < len;) {
		ssize_t n = write(STDOUT_FILENO, buf + off, len - off);
		if (n < 0)
			return 5;
		off += (size_t)n;
	}
	return 0;
}
