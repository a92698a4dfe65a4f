/*
 * A tiny host test harness: checks record a failure with file:line and carry on; each group
 * is a static function run by TEST_RUN (or TEST_RUN_ISOLATED, in a child process); and
 * test_finish() prints the one summary line "N passed, N failed" (counting checks) and gives
 * main its exit status.
 */
#ifndef TESTS_UNIT_TEST_H
#define TESTS_UNIT_TEST_H

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static unsigned test_passed, test_failed;
static const char *test_current = "?";

static inline bool test_result(bool ok, const char *file, int line)
{
    if (ok) {
        test_passed++;
        return true;
    }
    test_failed++;
    fprintf(stderr, "FAIL %s:%d [%s]: ", file, line, test_current);
    return false;
}

static inline bool test_check(bool ok, const char *file, int line, const char *expr)
{
    if (!test_result(ok, file, line))
        fprintf(stderr, "%s\n", expr);
    return ok;
}

static inline bool test_check_u64(uint64_t a, uint64_t b, const char *file, int line,
                                  const char *ea, const char *eb)
{
    if (!test_result(a == b, file, line))
        fprintf(stderr, "%s == %s: 0x%" PRIx64 " (%" PRIu64 ") != 0x%" PRIx64 " (%" PRIu64 ")\n",
                ea, eb, a, a, b, b);
    return a == b;
}

static inline bool test_check_i64(int64_t a, int64_t b, const char *file, int line,
                                  const char *ea, const char *eb)
{
    if (!test_result(a == b, file, line))
        fprintf(stderr, "%s == %s: %" PRId64 " != %" PRId64 "\n", ea, eb, a, b);
    return a == b;
}

static inline bool test_check_str(const char *a, const char *b, const char *file, int line,
                                  const char *ea, const char *eb)
{
    bool ok = (a && b) ? strcmp(a, b) == 0 : a == b;
    if (!test_result(ok, file, line))
        fprintf(stderr, "%s == %s: \"%s\" != \"%s\"\n", ea, eb, a ? a : "(NULL)", b ? b : "(NULL)");
    return ok;
}

/* Each returns whether it held, so a test can stop following a pointer that was wrong. */
#define CHECK(cond) test_check(!!(cond), __FILE__, __LINE__, #cond)
#define CHECK_EQ_U64(a, b) test_check_u64((uint64_t)(a), (uint64_t)(b), __FILE__, __LINE__, #a, #b)
#define CHECK_EQ_I64(a, b) test_check_i64((int64_t)(a), (int64_t)(b), __FILE__, __LINE__, #a, #b)
#define CHECK_STR(a, b) test_check_str((a), (b), __FILE__, __LINE__, #a, #b)

/* Runs one group of checks under its name (the name appears in failure messages). */
#define TEST_RUN(fn) (test_current = #fn, fn())

/*
 * Runs a group in a child process, for groups that may die of a sanitizer report: the child
 * sends back its counts through a pipe; a child that dies counts as one more failure, and the
 * other groups still run.
 */
#define TEST_RUN_ISOLATED(fn) test_run_isolated(fn, #fn)

static inline void test_run_isolated(void (*fn)(void), const char *name)
{
    int fd[2];
    unsigned counts[2] = { 0, 0 };

    test_current = name;
    fflush(stdout);
    fflush(stderr);
    if (pipe(fd) != 0) {
        test_check(false, __FILE__, __LINE__, "pipe()");
        return;
    }
    pid_t pid = fork();
    if (pid == 0) {
        close(fd[0]);
        test_passed = test_failed = 0;
        fn();
        counts[0] = test_passed;
        counts[1] = test_failed;
        ssize_t w = write(fd[1], counts, sizeof(counts));
        _exit(w == (ssize_t)sizeof(counts) ? 0 : 1);
    }
    close(fd[1]);
    ssize_t got = pid > 0 ? read(fd[0], counts, sizeof(counts)) : -1;
    close(fd[0]);
    int status = 0;
    if (pid > 0)
        waitpid(pid, &status, 0);
    if (got == (ssize_t)sizeof(counts) && WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        test_passed += counts[0];
        test_failed += counts[1];
    } else {
        test_failed++;
        fprintf(stderr, "FAIL [%s]: died (%s %d) after the report above\n", name,
                WIFSIGNALED(status) ? "signal" : "exit status",
                WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
    }
}

static inline int test_finish(void)
{
    printf("%u passed, %u failed\n", test_passed, test_failed);
    return test_failed ? 1 : 0;
}

/* A fixed-seed PRNG (splitmix64) for the randomized tests: same sequence on every run. */
static uint64_t test_rng_state = 0x6E6574706C616E74ull;    /* "netplant" */

static inline void test_seed(uint64_t seed)
{
    test_rng_state = seed;
}

static inline uint64_t test_rand(void)
{
    uint64_t z = (test_rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Uniform in [0, n); n > 0. */
static inline uint64_t test_rand_below(uint64_t n)
{
    return test_rand() % n;
}

#endif
