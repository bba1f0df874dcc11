/* pause.c — the process that holds a pod's namespaces open.
 *
 * Every pod starts with a sandbox container running this program. Its only job is to
 * exist: while it lives, the pod's network (and IPC, UTS) namespaces live, so the app
 * containers can come, crash and restart inside them. When the pod shares one PID
 * namespace it is also that namespace's init, so it must reap orphaned children, or
 * they would stay zombies.
 *
 *   SIGINT, SIGTERM  exit 0 (the kubelet stops the sandbox)
 *   SIGCHLD          reap every child that has exited
 *   -v               print the version and exit
 *
 * Kubernetes' own pause (build/pause/linux/pause.c) does the same; this is kubepp's.
 * Built static, so its image is this one file.
 */
#define _POSIX_C_SOURCE 200809L  /* sigaction, SA_RESTART under -std=c11 */

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAUSE_VERSION "kubepp-pause 3.10"

static void on_stop(int sig) {
  (void)sig;
  _exit(0);
}

static void on_child(int sig) {
  (void)sig;
  int saved = errno;  /* a handler must not change errno under the interrupted code */
  while (waitpid(-1, NULL, WNOHANG) > 0) {
  }
  errno = saved;
}

static int handle(int sig, void (*fn)(int), int flags) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = fn;
  sa.sa_flags = flags;
  sigemptyset(&sa.sa_mask);
  return sigaction(sig, &sa, NULL);
}

int main(int argc, char** argv) {
  if (argc > 1 && strcmp(argv[1], "-v") == 0) {
    printf("%s\n", PAUSE_VERSION);
    return 0;
  }
  if (argc > 1) {
    fprintf(stderr, "usage: %s [-v]\n", argv[0]);
    return 2;
  }
  if (handle(SIGINT, on_stop, 0) < 0 || handle(SIGTERM, on_stop, 0) < 0 ||
      handle(SIGCHLD, on_child, SA_NOCLDSTOP | SA_RESTART) < 0) {
    perror("pause: sigaction");
    return 1;
  }
  for (;;) {
    pause();  /* returns after each handled signal; only SIGINT/SIGTERM end the loop */
  }
}
