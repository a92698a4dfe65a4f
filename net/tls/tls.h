/*
 * TLS for the HTTP client: lwIP's altcp_tls over mbedTLS 2.28, TLS 1.2, ECDHE with AEAD
 * suites, SNI, the certificate chain checked against the built-in Mozilla roots and/or a
 * ca= boot module, the host name against the certificate's DNS and IP names (RFC 6125), and
 * the session kept for the next connection to the same server (RFC 5077 tickets or ids).
 * One download connection at a time (tls_open, or tls_open_over in a proxy's tunnel), and
 * beside it one notifier connection (tls_open_aux or tls_open_over_aux, progress_url=) whose
 * handshake is recorded apart.
 */
#ifndef NET_TLS_TLS_H
#define NET_TLS_TLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/exit.h"
#include "lwip/altcp.h"

struct tls_trust {
    bool insecure;          /* check nothing; warn on every connection (curl -k) */
    bool ca_only;           /* trust only the ca= module, not the built-in roots */
    const char *ca_pem;     /* a ca= module's text, or NULL */
    size_t ca_len;
    const char *ca_name;
};

/*
 * Records what to trust (nothing is parsed until the first https connection) and prints the
 * trust line. -NP_EBADMSG when the ca= module holds no PEM certificate (said on the console).
 */
int tls_configure(const struct tls_trust *t);

/*
 * A TLS connection pcb to host:port, ready for altcp_connect; its connected callback runs when
 * the handshake is done. NULL when TLS cannot start: *status and msg say why (no time to check
 * certificates against, no entropy, out of memory, a ca= module mbedTLS refuses).
 */
struct altcp_pcb *tls_open(const char *host, uint16_t port, enum np_exit *status, char *msg, size_t cap);

/*
 * The same for the notifier's one connection beside the download's: its handshake is recorded
 * apart (tls_aux_failure reads it), and nothing of it is logged or kept for later.
 */
struct altcp_pcb *tls_open_aux(const char *host, uint16_t port, enum np_exit *status, char *msg, size_t cap);

/*
 * The same over inner, a connection of the caller's (a proxy's CONNECT tunnel): the TLS pcb
 * owns inner from then on. NULL as for tls_open, inner still the caller's.
 */
struct altcp_pcb *tls_open_over(struct altcp_pcb *inner, const char *host, uint16_t port, enum np_exit *status,
                                char *msg, size_t cap);

/* tls_open_over for the notifier's connection (its tunnel through the proxy): recorded as tls_open_aux's. */
struct altcp_pcb *tls_open_over_aux(struct altcp_pcb *inner, const char *host, uint16_t port, enum np_exit *status,
                                    char *msg, size_t cap);

/*
 * Starts the handshake on a tls_open_over pcb whose inner connection is established already;
 * connected runs when it is done (set the pcb's err callback first). -NP_EIO if it cannot.
 */
int tls_start(struct altcp_pcb *pcb, altcp_connected_fn connected);

/* The pcb's connection is failing (its err callback): snapshot what the handshake said. */
void tls_note_error(struct altcp_pcb *pcb);

/* tls_note_error for a tls_open_aux or tls_open_over_aux connection. */
void tls_note_error_aux(struct altcp_pcb *pcb);

/*
 * After a connection that never completed its handshake: NP_EXIT_CERT with the reason (unknown
 * issuer, expired, not yet valid, name mismatch and the names the certificate holds),
 * NP_EXIT_TLS when the server refused the handshake (an alert), NP_EXIT_OK when nothing
 * TLS-specific happened (a TCP failure: retry as for http).
 */
enum np_exit tls_failure(char *msg, size_t cap);

/* tls_failure for the connection tls_open_aux made. */
enum np_exit tls_aux_failure(char *msg, size_t cap);

/* The handshake finished: log it (and the insecure warning), keep the session. */
void tls_connected(struct altcp_pcb *pcb);

/* Built-in roots: how many, and from which package version (for the banner). */
unsigned tls_builtin_roots(const char **source);

#endif
