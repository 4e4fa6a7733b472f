/* Passwords, random secrets and hashes on libsodium. */
#include "util/secret.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "util/log.h"

_Static_assert(SECRET_HASH_MAX >= crypto_pwhash_STRBYTES, "SECRET_HASH_MAX too small");

#define RANDOM_MAX 256 /* bytes per secret_random_token call */

int secret_init(void)
{
	return sodium_init() < 0 ? -1 : 0;
}

int secret_hash_password(const char *password, char out[SECRET_HASH_MAX])
{
	/* Fails only when the 64 MiB it needs cannot be had. */
	if (crypto_pwhash_str_alg(
	        out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
	        crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0) {
		log_error("password hashing failed: out of memory");
		return -1;
	}
	return 0;
}

bool secret_verify_password(const char *hash, const char *password)
{
	if (!hash || !password)
		return false;
	return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

void secret_random_token(char *out, size_t outlen, size_t nbytes)
{
	unsigned char bin[RANDOM_MAX];
	if (nbytes == 0 || nbytes > RANDOM_MAX ||
	    outlen < sodium_base64_ENCODED_LEN(nbytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING)) {
		log_error("secret_random_token: %zu bytes do not fit in %zu", nbytes, outlen);
		abort();
	}
	randombytes_buf(bin, nbytes);
	sodium_bin2base64(out, outlen, bin, nbytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(bin, sizeof(bin));
}

void secret_sha256_hex(const char *s, char out[65])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, (const unsigned char *)s, strlen(s));
	sodium_bin2hex(out, 65, h, sizeof(h));
}

bool secret_equal(const char *a, const char *b)
{
	if (!a || !b)
		return false;
	size_t la = strlen(a), lb = strlen(b);
	if (la != lb)
		return false;
	return la == 0 || sodium_memcmp(a, b, la) == 0;
}
