/*
 * url.c - the client's pure URL helpers: api root normalisation, reference
 * resolution (RFC 3986 section 5.2, without dot-segment removal), percent
 * encoding, the objects endpoint URL with its filters, and the text of an
 * HTTP error from a TAXII error message. No I/O; results go to acc_buf's
 * sticky error, which callers check once.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "client.h"

void acc_client_url_escape(acc_buf *out, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		unsigned char ch = *p;
		if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
		    (ch >= '0' && ch <= '9') || ch == '-' || ch == '.' || ch == '_' || ch == '~') {
			acc_buf_putc(out, (char)ch);
		} else {
			char e[3] = {'%', hex[ch >> 4], hex[ch & 15]};
			acc_buf_append(out, e, 3);
		}
	}
}

/* Length of "scheme://authority" at the start of url, 0 if it has none. */
static size_t origin_len(const char *url)
{
	const char *sep = strstr(url, "://");
	if (!sep || sep == url)
		return 0;
	for (const char *p = url; p < sep; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (p > url &&
		       ((*p >= '0' && *p <= '9') || *p == '+' || *p == '-' || *p == '.'))))
			return 0;
	const char *auth = sep + 3;
	return (size_t)(auth - url) + strcspn(auth, "/?#");
}

static int is_http(const char *url)
{
	return strncasecmp(url, "http://", 7) == 0 || strncasecmp(url, "https://", 8) == 0;
}

acc_status acc_client_root_url(const char *url, acc_buf *out, acc_error *err)
{
	acc_error_clear(err);
	if (!url || !out)
		return acc_error_set(err, ACC_EINVAL, NULL, "no URL");
	size_t ol = origin_len(url);
	if (!is_http(url) || ol == 0 || url[ol - 1] == '/' || url[ol - 1] == ':')
		return acc_error_set(err, ACC_EINVAL, NULL,
		                     "%s: not an http:// or https:// URL with a host", url);
	if (strpbrk(url, "?#"))
		return acc_error_set(err, ACC_EINVAL, NULL,
		                     "%s: an api root URL has no query or fragment", url);
	if (strpbrk(url, " \t\r\n"))
		return acc_error_set(err, ACC_EINVAL, NULL, "%s: white space in the URL", url);
	acc_buf_puts(out, url);
	size_t n = strlen(url);
	if (n == 0 || url[n - 1] != '/')
		acc_buf_putc(out, '/');
	return acc_buf_status(out) == ACC_OK
	           ? ACC_OK
	           : acc_error_set(err, acc_buf_status(out), NULL, "out of memory");
}

acc_status acc_client_url_resolve(const char *base, const char *ref, acc_buf *out, acc_error *err)
{
	acc_error_clear(err);
	if (!base || !ref || !out)
		return acc_error_set(err, ACC_EINVAL, NULL, "no URL");
	size_t bo = origin_len(base);
	if (origin_len(ref) > 0) {
		acc_buf_puts(out, ref);
	} else if (bo == 0) {
		return acc_error_set(err, ACC_EINVAL, NULL, "%s: not an absolute URL", base);
	} else if (ref[0] == '/' && ref[1] == '/') {
		const char *colon = strchr(base, ':');
		acc_buf_append(out, base, (size_t)(colon - base) + 1);
		acc_buf_puts(out, ref);
	} else if (ref[0] == '/') {
		acc_buf_append(out, base, bo);
		acc_buf_puts(out, ref);
	} else {
		/* relative: replace everything after the base path's last '/' */
		size_t pathend = bo + strcspn(base + bo, "?#");
		size_t cut = bo;
		for (size_t i = bo; i < pathend; i++)
			if (base[i] == '/')
				cut = i + 1;
		if (cut == bo) { /* base has no path: "/" + ref */
			acc_buf_append(out, base, bo);
			acc_buf_putc(out, '/');
		} else {
			acc_buf_append(out, base, cut);
		}
		acc_buf_puts(out, ref);
	}
	return acc_buf_status(out) == ACC_OK
	           ? ACC_OK
	           : acc_error_set(err, acc_buf_status(out), NULL, "out of memory");
}

static void add_param(acc_buf *out, int *first, const char *name, const char *value)
{
	acc_buf_putc(out, *first ? '?' : '&');
	*first = 0;
	acc_buf_puts(out, name);
	acc_buf_putc(out, '=');
	acc_client_url_escape(out, value);
}

/* match[x]=v1,v2 (each value escaped; the comma separates values). */
static void add_list(acc_buf *out, int *first, const char *name, const char *const *values)
{
	if (!values || !values[0])
		return;
	acc_buf_putc(out, *first ? '?' : '&');
	*first = 0;
	acc_buf_puts(out, name);
	acc_buf_putc(out, '=');
	for (size_t i = 0; values[i]; i++) {
		if (i)
			acc_buf_putc(out, ',');
		acc_client_url_escape(out, values[i]);
	}
}

void acc_client_objects_url(acc_buf *out, const char *root_url, const char *collection_id,
                            const acc_client_filter *f, const char *next)
{
	int first = 1;
	acc_buf_puts(out, root_url);
	acc_buf_puts(out, "collections/");
	acc_client_url_escape(out, collection_id);
	acc_buf_puts(out, "/objects/");
	if (f) {
		if (f->added_after)
			add_param(out, &first, "added_after", f->added_after);
		if (f->limit) {
			char n[32];
			snprintf(n, sizeof n, "%zu", f->limit);
			add_param(out, &first, "limit", n);
		}
		add_list(out, &first, "match%5Bid%5D", f->ids);
		add_list(out, &first, "match%5Btype%5D", f->types);
		if (f->version)
			add_param(out, &first, "match%5Bversion%5D", f->version);
		if (f->spec_version)
			add_param(out, &first, "match%5Bspec_version%5D", f->spec_version);
	}
	if (next)
		add_param(out, &first, "next", next);
}

void acc_client_http_error(char *out, size_t outlen, long http_status, const json_t *body)
{
	const char *title = NULL, *desc = NULL;
	if (json_is_object(body)) {
		title = json_string_value(json_object_get(body, "title"));
		desc = json_string_value(json_object_get(body, "description"));
	}
	if (title && desc)
		snprintf(out, outlen, "HTTP %ld: %s: %s", http_status, title, desc);
	else if (title)
		snprintf(out, outlen, "HTTP %ld: %s", http_status, title);
	else
		snprintf(out, outlen, "HTTP %ld", http_status);
	/* one line: the server's text must not break our error format */
	for (char *p = out; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
}
