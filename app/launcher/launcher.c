/* livepix: the command users run. It answers `livepix --version` and
 * `livepix --help` itself and otherwise runs the app, livepix-app beside it,
 * in its place (execv: same process id, same arguments).
 *
 * Why: the app links Qt, Python and OpenColorIO (63 libraries); on this VM
 * mapping and relocating them took about 35 of --version's 40-58 ms, nearly
 * all of it page faults in the dynamic loader (libpython alone has 393 pages
 * of writable data and tables to relocate). This file links only libc. Both
 * texts are the app's own, taken from `livepix-app --version` and `--help`
 * when it is built (genhelp.cmake), so they cannot differ; any other
 * argument list, `--help` together with other options included, goes to the
 * app. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "livepix_help.h" /* versionText, helpBefore, helpAfter */

static int is(const char *argument, const char *shortName, const char *longName)
{
    return strcmp(argument, shortName) == 0 || strcmp(argument, longName) == 0;
}

int main(int argc, char **argv)
{
    if (argc == 2 && is(argv[1], "-v", "--version")) {
        fputs(versionText, stdout);
        return fflush(stdout) == 0 ? 0 : 1;
    }
    if (argc == 2 && is(argv[1], "-h", "--help")) {
        /* The usage line names the program as it was called, as Qt's does. */
        fputs(helpBefore, stdout);
        fputs(argv[0], stdout);
        fputs(helpAfter, stdout);
        return fflush(stdout) == 0 ? 0 : 1;
    }
    char app[PATH_MAX];
    const ssize_t length = readlink("/proc/self/exe", app, sizeof app - 1);
    if (length <= 0) {
        fprintf(stderr, "livepix: cannot find its own path (/proc/self/exe): %s\n", strerror(errno));
        return 127;
    }
    app[length] = '\0';
    char *slash = strrchr(app, '/');
    const char name[] = "livepix-app";
    if (!slash || (size_t)(slash + 1 - app) + sizeof name > sizeof app) {
        fprintf(stderr, "livepix: its path is too long: %s\n", app);
        return 127;
    }
    memcpy(slash + 1, name, sizeof name);
    execv(app, argv);
    fprintf(stderr, "livepix: cannot run %s: %s\n", app, strerror(errno));
    return 127;
}
