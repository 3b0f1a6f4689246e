/* SPDX-License-Identifier: GPL-2.0-only */
/* What the command-line tools do with their standard output at exit. */
#ifndef MPTCP_TOOL_IO_H
#define MPTCP_TOOL_IO_H

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* Flushes and closes standard output. A write error (full disk,
 * /dev/full) loses the output, so it is an error of the run with a message
 * on stderr, never a silent exit 0: returns status, or failed when status
 * was 0 and the output could not be written. */
static inline int tool_close_stdout(const char *prog, int status, int failed) {
  int err = 0;
  if (fflush(stdout) != 0 || ferror(stdout))
    err = errno ? errno : EIO;
  if (fclose(stdout) != 0 && !err)
    err = errno ? errno : EIO;
  if (!err)
    return status;
  fprintf(stderr, "%s: writing standard output failed: %s\n", prog, strerror(err));
  return status ? status : failed;
}

#endif
