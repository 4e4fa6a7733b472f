/* Passwords, random secrets and hashes, on libsodium. secret_init must run
 * once before any other call (cli_main does it). */
#ifndef SAFAR_SECRET_H
#define SAFAR_SECRET_H
#include <stdbool.h>
#include <stddef.h>

#define SECRET_HASH_MAX 128 /* >= crypto_pwhash_STRBYTES */

/* 0 ok, -1 when libsodium cannot start. */
int secret_init(void);
/* argon2id (libsodium's interactive limits: ~64 MiB, ~100 ms). Slow on
 * purpose: never call it on a request thread (see ROUTE_SLOW). */
int secret_hash_password(const char *password, char out[SECRET_HASH_MAX]);
bool secret_verify_password(const char *hash, const char *password);
/* nbytes of randomness as URL-safe base64 without padding into out
 * (out must hold 4*nbytes/3 + 2 bytes). */
void secret_random_token(char *out, size_t outlen, size_t nbytes);
/* Hex SHA-256 of s: what is stored for session and API token secrets. */
void secret_sha256_hex(const char *s, char out[65]);
/* Constant-time string comparison. */
bool secret_equal(const char *a, const char *b);

#endif
