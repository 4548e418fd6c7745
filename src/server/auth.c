/*
 * auth.c - member authentication for the TAXII server: HTTP Basic
 * (member name, secret) and Bearer (a generated secret, which names its
 * member), verified with crypto_pwhash_str_verify against the hash in the
 * store.
 *
 * Verification cache: Argon2id costs ~0.1 s and 64 MiB on purpose, too much
 * for every request. A successful verification is remembered under
 * BLAKE2b-256(process key, name || 0 || secret), with the secret hash it
 * matched; a later request with the same name and secret is accepted if the
 * member's current hash (read from the store on every request, so rotation
 * and removal take effect at once, in every process) is still the one
 * remembered and the entry is younger than cache_ttl. The process key is
 * random and never leaves memory, so the cache holds nothing an attacker
 * could test guesses against. Keys are compared with sodium_memcmp.
 *
 * Back-off: failures are counted per client address and per member name;
 * past 10 failures from one address, or 5 for one member name, that key is
 * refused without verification (429 with Retry-After) for 1 s after each
 * further failure, doubling up to 60 s; counts are forgotten
 * 15 minutes after the last failure or at a success. A request that proves
 * the secret through the cache is never throttled, so an attacker failing
 * on purpose cannot lock out a member whose clients are already connected.
 * Unknown members cost a dummy verification, so timing does not tell which
 * names exist.
 */
#include <pthread.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "accord/alloc.h"
#include "server.h"

#define BACKOFF_SLOTS 4096
/* Failures allowed before back-off: per client address more (NAT, proxies)
 * than per member name. */
#define BACKOFF_FREE_CLIENT 10
#define BACKOFF_FREE_MEMBER 5
#define BACKOFF_MAX_MS      60000
#define BACKOFF_FORGET_MS   (15 * 60 * 1000)

typedef struct cache_entry {
	uint8_t key[32];
	char hash[ACC_NODE_SECRET_HASH_MAX];
	int64_t expires_ms;
	int used;
} cache_entry;

typedef struct backoff_entry {
	uint8_t id[16]; /* keyed hash of "a:<client>" or "m:<name>" */
	unsigned failures;
	int64_t last_ms;
	int64_t until_ms;
	int used;
} backoff_entry;

struct acc_auth {
	pthread_mutex_t lock;
	uint8_t *key; /* sodium_malloc'd: 32 bytes BLAKE2b key + 16 bytes SipHash key */
	cache_entry *cache;
	unsigned cache_size;
	int64_t ttl_ms;
	backoff_entry *backoff;
	char dummy_hash[ACC_NODE_SECRET_HASH_MAX];
};

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

acc_auth *acc_auth_new(unsigned cache_size, uint64_t ttl)
{
	if (sodium_init() < 0)
		return NULL;
	acc_auth *au = acc_calloc(1, sizeof(*au));
	if (!au)
		return NULL;
	au->key = sodium_malloc(32 + crypto_shorthash_KEYBYTES);
	au->backoff = acc_calloc(BACKOFF_SLOTS, sizeof(*au->backoff));
	au->cache = cache_size ? acc_calloc(cache_size, sizeof(*au->cache)) : NULL;
	if (!au->key || !au->backoff || (cache_size && !au->cache)) {
		acc_auth_free(au);
		return NULL;
	}
	randombytes_buf(au->key, 32 + crypto_shorthash_KEYBYTES);
	au->cache_size = cache_size;
	au->ttl_ms = (int64_t)ttl * 1000;
	/* A hash no secret matches, for unknown members. */
	char rnd[33];
	randombytes_buf(rnd, 32);
	rnd[32] = '\0';
	if (crypto_pwhash_str(au->dummy_hash, rnd, 32, crypto_pwhash_OPSLIMIT_INTERACTIVE,
	                      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
		acc_auth_free(au);
		return NULL;
	}
	pthread_mutex_init(&au->lock, NULL);
	return au;
}

void acc_auth_free(acc_auth *au)
{
	if (!au)
		return;
	if (au->key) {
		sodium_free(au->key);
		pthread_mutex_destroy(&au->lock);
	}
	if (au->cache) {
		sodium_memzero(au->cache, au->cache_size * sizeof(*au->cache));
		acc_free(au->cache);
	}
	acc_free(au->backoff);
	acc_free(au);
}

static void cache_key(const acc_auth *au, const char *name, const acc_auth_credentials *cr,
                      uint8_t out[32])
{
	crypto_generichash_state st;
	crypto_generichash_init(&st, au->key, 32, 32);
	crypto_generichash_update(&st, (const uint8_t *)name, strlen(name) + 1);
	crypto_generichash_update(&st, (const uint8_t *)cr->secret, cr->secret_len);
	crypto_generichash_final(&st, out, 32);
}

static cache_entry *cache_slot(acc_auth *au, const uint8_t key[32])
{
	uint32_t h = (uint32_t)key[0] | (uint32_t)key[1] << 8 | (uint32_t)key[2] << 16 |
	             (uint32_t)key[3] << 24;
	return &au->cache[h % au->cache_size];
}

static int cache_hit(acc_auth *au, const uint8_t key[32], const char *hash)
{
	if (!au->cache_size)
		return 0;
	int hit = 0;
	pthread_mutex_lock(&au->lock);
	cache_entry *e = cache_slot(au, key);
	if (e->used && sodium_memcmp(e->key, key, 32) == 0 && strcmp(e->hash, hash) == 0 &&
	    e->expires_ms > now_ms())
		hit = 1;
	pthread_mutex_unlock(&au->lock);
	return hit;
}

static void cache_put(acc_auth *au, const uint8_t key[32], const char *hash)
{
	if (!au->cache_size || strlen(hash) >= ACC_NODE_SECRET_HASH_MAX)
		return;
	pthread_mutex_lock(&au->lock);
	cache_entry *e = cache_slot(au, key);
	memcpy(e->key, key, 32);
	strcpy(e->hash, hash);
	e->expires_ms = now_ms() + au->ttl_ms;
	e->used = 1;
	pthread_mutex_unlock(&au->lock);
}

static void backoff_id(const acc_auth *au, char kind, const char *s, uint8_t out[16])
{
	crypto_generichash_state st;
	crypto_generichash_init(&st, au->key, 32, 16);
	crypto_generichash_update(&st, (const uint8_t *)&kind, 1);
	crypto_generichash_update(&st, (const uint8_t *)s, strlen(s));
	crypto_generichash_final(&st, out, 16);
}

static backoff_entry *backoff_slot(acc_auth *au, const uint8_t id[16])
{
	uint32_t h =
	    (uint32_t)id[0] | (uint32_t)id[1] << 8 | (uint32_t)id[2] << 16 | (uint32_t)id[3] << 24;
	return &au->backoff[h % BACKOFF_SLOTS];
}

/* Milliseconds until the key may try again (0: now). Lock held. */
static int64_t backoff_wait(acc_auth *au, const uint8_t id[16], int64_t now)
{
	backoff_entry *e = backoff_slot(au, id);
	if (!e->used || memcmp(e->id, id, 16) != 0)
		return 0;
	if (now - e->last_ms > BACKOFF_FORGET_MS) {
		e->used = 0;
		return 0;
	}
	return e->until_ms > now ? e->until_ms - now : 0;
}

static void backoff_fail(acc_auth *au, const uint8_t id[16], unsigned free_failures, int64_t now)
{
	backoff_entry *e = backoff_slot(au, id);
	if (!e->used || memcmp(e->id, id, 16) != 0 || now - e->last_ms > BACKOFF_FORGET_MS) {
		memset(e, 0, sizeof(*e));
		memcpy(e->id, id, 16);
		e->used = 1;
	}
	e->failures++;
	e->last_ms = now;
	if (e->failures > free_failures) {
		unsigned shift = e->failures - free_failures - 1;
		int64_t wait = shift >= 6 ? BACKOFF_MAX_MS : (int64_t)1000 << shift;
		if (wait > BACKOFF_MAX_MS)
			wait = BACKOFF_MAX_MS;
		e->until_ms = now + wait;
	}
}

static void backoff_clear(acc_auth *au, const uint8_t id[16])
{
	backoff_entry *e = backoff_slot(au, id);
	if (e->used && memcmp(e->id, id, 16) == 0)
		e->used = 0;
}

static char *fold_dup(acc_arena *a, const char *s)
{
	char *d = acc_arena_strdup(a, s ? s : "");
	for (char *p = d; p && *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return d;
}

acc_auth_verdict acc_auth_check(acc_auth *au, acc_store *s, const char *client,
                                const acc_auth_credentials *cr, acc_arena *a, acc_principal *out,
                                unsigned *retry_after)
{
	memset(out, 0, sizeof(*out));
	*retry_after = 0;
	if (!client)
		client = "";
	uint8_t cid[16], mid[16];
	backoff_id(au, 'a', client, cid);
	char name[ACC_NODE_MEMBER_NAME_MAX + 1] = "";
	if (cr->scheme == ACC_AUTH_NONE)
		return ACC_AUTH_DENIED;
	int named = 0;
	if (cr->scheme == ACC_AUTH_BASIC && strlen(cr->user) <= ACC_NODE_MEMBER_NAME_MAX) {
		strcpy(name, cr->user);
		named = 1;
	} else if (cr->scheme == ACC_AUTH_BEARER &&
	           acc_node_secret_member(cr->secret, cr->secret_len, name) == ACC_OK) {
		named = 1;
	}
	int64_t now = now_ms();
	if (!named) {
		pthread_mutex_lock(&au->lock);
		int64_t w = backoff_wait(au, cid, now);
		if (!w)
			backoff_fail(au, cid, BACKOFF_FREE_CLIENT, now);
		pthread_mutex_unlock(&au->lock);
		*retry_after = (unsigned)((w + 999) / 1000);
		return w ? ACC_AUTH_THROTTLED : ACC_AUTH_DENIED;
	}
	backoff_id(au, 'm', name, mid);

	acc_store_member m;
	acc_error err;
	acc_status st = acc_store_member_get(s, name, &m, &err);
	if (st != ACC_OK && st != ACC_ENOTFOUND)
		return ACC_AUTH_ERROR;
	int exists = st == ACC_OK && !m.removed && m.secret_hash && m.secret_hash[0];
	char hash[ACC_NODE_SECRET_HASH_MAX];
	snprintf(hash, sizeof(hash), "%s", exists ? m.secret_hash : au->dummy_hash);
	/* Copy what we need now: the store's strings die at its next call. */
	const char *ident = exists ? fold_dup(a, m.identity) : NULL;
	const char *pname = exists ? acc_arena_strdup(a, name) : NULL;
	int admin = exists ? m.admin : 0;
	if (exists && (!ident || !pname))
		return ACC_AUTH_ERROR;

	uint8_t key[32];
	cache_key(au, name, cr, key);
	if (exists && cache_hit(au, key, hash))
		goto ok;

	pthread_mutex_lock(&au->lock);
	int64_t wc = backoff_wait(au, cid, now), wm = backoff_wait(au, mid, now);
	pthread_mutex_unlock(&au->lock);
	if (wc || wm) {
		int64_t w = wc > wm ? wc : wm;
		*retry_after = (unsigned)((w + 999) / 1000);
		return ACC_AUTH_THROTTLED;
	}
	int good = acc_node_secret_verify(hash, cr->secret, cr->secret_len);
	if (!good || !exists) {
		pthread_mutex_lock(&au->lock);
		now = now_ms();
		backoff_fail(au, cid, BACKOFF_FREE_CLIENT, now);
		backoff_fail(au, mid, BACKOFF_FREE_MEMBER, now);
		pthread_mutex_unlock(&au->lock);
		return ACC_AUTH_DENIED;
	}
	cache_put(au, key, hash);
ok:
	pthread_mutex_lock(&au->lock);
	backoff_clear(au, cid);
	backoff_clear(au, mid);
	pthread_mutex_unlock(&au->lock);
	sodium_memzero(key, sizeof(key));
	out->name = pname;
	out->identity = ident;
	out->admin = admin;
	return ACC_AUTH_OK;
}
