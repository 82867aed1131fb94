/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A program outside the tree that uses the installed liboci-rootless, as a
 * runtime or a tool that links it would: tests/install/run.sh copies it to a
 * folder of its own and builds it with nothing but
 * `pkg-config --cflags --libs oci-rootless`.
 *
 * usage: consumer CONFIG UID GID
 * Converts CONFIG for a normal user (mode single, container root = UID:GID)
 * and writes the result on standard output; on standard error, the library's
 * version, each change ("WHERE: MESSAGE") and their number. Exit 1 with the
 * library's message on an error.
 */
#include <oci-rootless.h>

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	ocirl_options opts;
	ocirl_error *err = NULL;
	ocirl_changes *changes = NULL;
	char *data = NULL, *out = NULL;
	size_t len = 0, out_len = 0, i, n;
	int code = 1;

	if (argc != 4) {
		fprintf(stderr, "usage: %s CONFIG UID GID\n", argv[0]);
		return 2;
	}
	if (ocirl_options_init(&opts, OCIRL_OPTIONS_VERSION) < 0) {
		fprintf(stderr, "consumer: ocirl_options_init refused version %u\n", (unsigned)OCIRL_OPTIONS_VERSION);
		return 1;
	}
	opts.mode = OCIRL_MODE_SINGLE;
	opts.uid = strtoll(argv[2], NULL, 10);
	opts.gid = strtoll(argv[3], NULL, 10);

	fprintf(stderr, "version %s\n", ocirl_version());
	if (ocirl_changes_new(&changes) < 0 || ocirl_file_read(&data, &len, argv[1], (size_t)1 << 20, &err) < 0 ||
	    ocirl_buffer_convert(&out, &out_len, changes, data, len, argv[1], &opts, 0, &err) < 0) {
		fprintf(stderr, "consumer: %s\n", err ? err->message : "out of memory");
		goto done;
	}
	if (fwrite(out, 1, out_len, stdout) != out_len || fflush(stdout) != 0) {
		perror("consumer: stdout");
		goto done;
	}
	n = ocirl_changes_count(changes);
	for (i = 0; i < n; i++)
		fprintf(stderr, "%s: %s [%s]\n", ocirl_changes_where(changes, i), ocirl_changes_message(changes, i),
			ocirl_changes_rule(changes, i));
	fprintf(stderr, "changes: %zu\n", n);
	code = 0;
done:
	ocirl_error_free(err);
	ocirl_changes_free(changes);
	free(out);
	free(data);
	return code;
}
