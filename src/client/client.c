/*
 * client.c - the TAXII 2.1 client over libcurl (see client.h).
 *
 * One easy handle per acc_client, reused so that connections are kept
 * alive. Each request resets the per-request state (body buffer, captured
 * headers); the response body is capped at ACC_CLIENT_MAX_RESPONSE. The
 * secret lives in sodium_malloc'd memory, zeroed when the client is freed;
 * it is never part of an error message.
 */
#include <curl/curl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "accord/accord.h"
#include "client.h"

struct acc_client {
	CURL *curl;
	struct curl_slist *headers_get, *headers_post;
	char *user;   /* acc_malloc */
	char *secret; /* sodium_malloc */
	acc_buf body; /* the last response body */
	char content_type[128];
	char added_first[48], added_last[48];
	char curl_error[CURL_ERROR_SIZE];
	long last_status; /* HTTP status of the last request, 0 when none came */
};

acc_status acc_client_global_init(acc_error *err)
{
	acc_error_clear(err);
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return acc_error_set(err, ACC_EIO, NULL, "libcurl cannot initialise");
	if (sodium_init() < 0)
		return acc_error_set(err, ACC_ECRYPTO, NULL, "libsodium cannot initialise");
	return ACC_OK;
}

void acc_client_global_cleanup(void)
{
	curl_global_cleanup();
}

void acc_client_free(acc_client *c)
{
	if (!c)
		return;
	if (c->curl)
		curl_easy_cleanup(c->curl);
	curl_slist_free_all(c->headers_get);
	curl_slist_free_all(c->headers_post);
	acc_free(c->user);
	if (c->secret)
		sodium_free(c->secret); /* zeroes before freeing */
	acc_buf_free(&c->body);
	acc_free(c);
}

static size_t on_body(char *p, size_t size, size_t n, void *ctx)
{
	acc_client *c = ctx;
	size_t len = size * n;
	acc_buf_append(&c->body, p, len);
	return acc_buf_status(&c->body) == ACC_OK ? len : 0;
}

/* Copy the value of header "name: value" (case-insensitive name) into out. */
static int header_value(const char *line, size_t len, const char *name, char *out, size_t outlen)
{
	size_t nl = strlen(name);
	if (len <= nl || strncasecmp(line, name, nl) != 0 || line[nl] != ':')
		return 0;
	const char *v = line + nl + 1;
	const char *end = line + len;
	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
		end--;
	size_t vl = (size_t)(end - v);
	if (vl >= outlen)
		vl = outlen - 1;
	memcpy(out, v, vl);
	out[vl] = '\0';
	return 1;
}

static size_t on_header(char *p, size_t size, size_t n, void *ctx)
{
	acc_client *c = ctx;
	size_t len = size * n;
	/* a new response (a redirect's, or after 100 Continue) starts over */
	if (len >= 5 && strncmp(p, "HTTP/", 5) == 0) {
		c->content_type[0] = c->added_first[0] = c->added_last[0] = '\0';
		return len;
	}
	if (!header_value(p, len, "Content-Type", c->content_type, sizeof c->content_type) &&
	    !header_value(p, len, "X-TAXII-Date-Added-First", c->added_first,
	                  sizeof c->added_first))
		header_value(p, len, "X-TAXII-Date-Added-Last", c->added_last,
		             sizeof c->added_last);
	return len;
}

acc_status acc_client_new(const acc_client_options *o, acc_client **out, acc_error *err)
{
	acc_error_clear(err);
	if (!out)
		return acc_error_set(err, ACC_EINVAL, NULL, "no place for the client");
	*out = NULL;
	acc_client_options none = {0};
	if (!o)
		o = &none;
	acc_client *c = acc_calloc(1, sizeof *c);
	if (!c)
		return acc_error_set(err, ACC_ENOMEM, NULL, "out of memory");
	acc_buf_init(&c->body, ACC_CLIENT_MAX_RESPONSE);
	acc_status st = ACC_ENOMEM;
	if (o->user && !(c->user = acc_strdup(o->user)))
		goto fail;
	if (o->secret) {
		size_t sl = strlen(o->secret);
		if (!(c->secret = sodium_malloc(sl + 1)))
			goto fail;
		memcpy(c->secret, o->secret, sl + 1);
	}
	if (!(c->headers_get = curl_slist_append(NULL, "Accept: " ACC_CLIENT_MEDIA_TYPE)))
		goto fail;
	if (!(c->headers_post = curl_slist_append(NULL, "Accept: " ACC_CLIENT_MEDIA_TYPE)))
		goto fail;
	/* appending to a list returns its head, or NULL leaving it intact;
	 * "Expect:" saves the 100-continue round trip before bodies */
	if (!curl_slist_append(c->headers_post, "Content-Type: " ACC_CLIENT_MEDIA_TYPE) ||
	    !curl_slist_append(c->headers_post, "Expect:"))
		goto fail;
	st = ACC_EIO;
	if (!(c->curl = curl_easy_init())) {
		acc_error_set(err, st, NULL, "libcurl cannot create a handle");
		goto fail_set;
	}
	char ua[64];
	snprintf(ua, sizeof ua, "accord/%s", acc_version());
	CURL *e = c->curl;
	int bad = 0;
	bad |= curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https") != CURLE_OK;
	bad |= curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https") != CURLE_OK;
	bad |= curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L) != CURLE_OK;
	bad |= curl_easy_setopt(e, CURLOPT_MAXREDIRS, 5L) != CURLE_OK;
	/* keep POST a POST across a 301/302/303 too */
	bad |= curl_easy_setopt(e, CURLOPT_POSTREDIR, (long)CURL_REDIR_POST_ALL) != CURLE_OK;
	bad |= curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L) != CURLE_OK;
	bad |=
	    curl_easy_setopt(e, CURLOPT_USERAGENT, o->user_agent ? o->user_agent : ua) != CURLE_OK;
	bad |= curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT,
	                        o->connect_timeout > 0 ? o->connect_timeout : 10L) != CURLE_OK;
	bad |= curl_easy_setopt(e, CURLOPT_TIMEOUT, o->timeout > 0 ? o->timeout : 300L) != CURLE_OK;
	bad |= curl_easy_setopt(e, CURLOPT_ERRORBUFFER, c->curl_error) != CURLE_OK;
	bad |= curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body) != CURLE_OK;
	bad |= curl_easy_setopt(e, CURLOPT_WRITEDATA, c) != CURLE_OK;
	bad |= curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header) != CURLE_OK;
	bad |= curl_easy_setopt(e, CURLOPT_HEADERDATA, c) != CURLE_OK;
	bad |= curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "") != CURLE_OK;
	bad |= curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, o->insecure ? 0L : 1L) != CURLE_OK;
	bad |= curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, o->insecure ? 0L : 2L) != CURLE_OK;
	bad |= curl_easy_setopt(e, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2) != CURLE_OK;
	if (o->ca_file)
		bad |= curl_easy_setopt(e, CURLOPT_CAINFO, o->ca_file) != CURLE_OK;
	if (c->secret && c->user) {
		bad |= curl_easy_setopt(e, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC) != CURLE_OK;
		bad |= curl_easy_setopt(e, CURLOPT_USERNAME, c->user) != CURLE_OK;
		bad |= curl_easy_setopt(e, CURLOPT_PASSWORD, c->secret) != CURLE_OK;
	} else if (c->secret) {
		bad |= curl_easy_setopt(e, CURLOPT_HTTPAUTH, (long)CURLAUTH_BEARER) != CURLE_OK;
		bad |= curl_easy_setopt(e, CURLOPT_XOAUTH2_BEARER, c->secret) != CURLE_OK;
	}
	if (bad) {
		acc_error_set(err, st, NULL, "libcurl refused an option (is it built with https?)");
		goto fail_set;
	}
	*out = c;
	return ACC_OK;
fail:
	acc_error_set(err, st, NULL, "out of memory");
fail_set:
	acc_client_free(c);
	return st;
}

static acc_status status_for_http(long code)
{
	if (code == 401 || code == 403)
		return ACC_EPERM;
	if (code == 404)
		return ACC_ENOTFOUND;
	if (code == 413)
		return ACC_ELIMIT;
	if (code >= 400 && code < 500)
		return ACC_EINVALID;
	return ACC_EIO;
}

/* Perform a request: GET when body is NULL, else POST, with the given
 * header list. The body is left in c->body and the HTTP status in *code.
 * Transport failures (and a body over the cap) are errors here; any HTTP
 * status is the caller's to judge. */
static acc_status perform(acc_client *c, const char *url, struct curl_slist *headers,
                          const char *body, size_t len, long *code, acc_error *err)
{
	*code = 0;
	c->last_status = 0;
	acc_buf_reset(&c->body);
	c->content_type[0] = c->added_first[0] = c->added_last[0] = '\0';
	c->curl_error[0] = '\0';
	CURL *e = c->curl;
	int bad = curl_easy_setopt(e, CURLOPT_URL, url) != CURLE_OK;
	bad |= curl_easy_setopt(e, CURLOPT_HTTPHEADER, headers) != CURLE_OK;
	if (body) {
		bad |=
		    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len) != CURLE_OK;
		bad |= curl_easy_setopt(e, CURLOPT_POSTFIELDS, body) != CURLE_OK;
	} else {
		bad |= curl_easy_setopt(e, CURLOPT_HTTPGET, 1L) != CURLE_OK;
	}
	if (bad)
		return acc_error_set(err, ACC_EIO, NULL, "%s: libcurl refused the request", url);
	CURLcode cc = curl_easy_perform(e);
	if (cc != CURLE_OK) {
		if (acc_buf_status(&c->body) == ACC_ELIMIT)
			return acc_error_set(err, ACC_ELIMIT, NULL,
			                     "%s: response larger than %u bytes", url,
			                     (unsigned)ACC_CLIENT_MAX_RESPONSE);
		if (acc_buf_status(&c->body) == ACC_ENOMEM)
			return acc_error_set(err, ACC_ENOMEM, NULL, "%s: out of memory", url);
		return acc_error_set(err, ACC_EIO, NULL, "%s: %s", url,
		                     c->curl_error[0] ? c->curl_error : curl_easy_strerror(cc));
	}
	curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, code);
	c->last_status = *code;
	return ACC_OK;
}

/* The error for an HTTP status other than the one wanted, quoting the
 * body's TAXII (or plain JSON) error text. */
static acc_status http_failure(acc_client *c, const char *url, long code, acc_error *err)
{
	json_t *v = NULL;
	if (c->body.len > 0 && acc_json_load(c->body.data, c->body.len, &v, NULL) != ACC_OK)
		v = NULL;
	char msg[ACC_ERROR_MSG_MAX];
	acc_client_http_error(msg, sizeof msg, code, v);
	json_decref(v);
	return acc_error_set(err, status_for_http(code), NULL, "%s: %s", url, msg);
}

/* perform, then: the status must be want and the body a JSON object, which
 * goes to *out (caller owns). */
static acc_status request_with(acc_client *c, const char *url, struct curl_slist *headers,
                               const char *body, size_t len, long want, json_t **out,
                               acc_error *err)
{
	*out = NULL;
	long code = 0;
	acc_status s = perform(c, url, headers, body, len, &code, err);
	if (s != ACC_OK)
		return s;
	if (code != want)
		return http_failure(c, url, code, err);
	json_t *v = NULL;
	if (c->body.len > 0 && acc_json_load(c->body.data, c->body.len, &v, NULL) != ACC_OK)
		v = NULL;
	if (!json_is_object(v)) {
		json_decref(v);
		return acc_error_set(err, ACC_EPARSE, NULL,
		                     "%s: the response is not a JSON object (Content-Type %s)", url,
		                     c->content_type[0] ? c->content_type : "none");
	}
	*out = v;
	return ACC_OK;
}

/* A TAXII request: GET when body is NULL, else POST of a TAXII body. */
static acc_status request(acc_client *c, const char *url, const char *body, size_t len, long want,
                          json_t **out, acc_error *err)
{
	return request_with(c, url, body ? c->headers_post : c->headers_get, body, len, want, out,
	                    err);
}

/* A one-request header list: Accept (and Content-Type) as given. */
static struct curl_slist *headers_for(const char *accept, const char *content_type)
{
	char h[256];
	snprintf(h, sizeof h, "Accept: %s", accept ? accept : "*/*");
	struct curl_slist *l = curl_slist_append(NULL, h);
	if (l && content_type) {
		snprintf(h, sizeof h, "Content-Type: %s", content_type);
		if (!curl_slist_append(l, h) || !curl_slist_append(l, "Expect:")) {
			curl_slist_free_all(l);
			return NULL;
		}
	}
	return l;
}

long acc_client_last_status(const acc_client *c)
{
	return c ? c->last_status : 0;
}

acc_status acc_client_get_raw(acc_client *c, const char *url, const char *accept, acc_buf *out,
                              acc_error *err)
{
	acc_error_clear(err);
	if (!c || !url || !out)
		return acc_error_set(err, ACC_EINVAL, NULL, "no client, URL or output");
	struct curl_slist *h = headers_for(accept, NULL);
	if (!h)
		return acc_error_set(err, ACC_ENOMEM, NULL, "out of memory");
	long code = 0;
	acc_status s = perform(c, url, h, NULL, 0, &code, err);
	if (s == ACC_OK && code != 200)
		s = http_failure(c, url, code, err);
	if (s == ACC_OK) {
		acc_buf_append(out, c->body.data ? c->body.data : "", c->body.len);
		if (acc_buf_status(out) != ACC_OK)
			s = acc_error_set(err, acc_buf_status(out), NULL, "%s: %s", url,
			                  acc_strerror(acc_buf_status(out)));
	}
	curl_slist_free_all(h);
	return s;
}

acc_status acc_client_get_json_as(acc_client *c, const char *url, const char *accept, json_t **out,
                                  acc_error *err)
{
	acc_error_clear(err);
	if (!out)
		return acc_error_set(err, ACC_EINVAL, NULL, "no place for the response");
	*out = NULL;
	if (!c || !url)
		return acc_error_set(err, ACC_EINVAL, NULL, "no client or URL");
	struct curl_slist *h = headers_for(accept, NULL);
	if (!h)
		return acc_error_set(err, ACC_ENOMEM, NULL, "out of memory");
	acc_status s = request_with(c, url, h, NULL, 0, 200, out, err);
	curl_slist_free_all(h);
	return s;
}

acc_status acc_client_post(acc_client *c, const char *url, const char *content_type,
                           const char *accept, const char *body, size_t len, long *code,
                           json_t **out, acc_error *err)
{
	acc_error_clear(err);
	if (out)
		*out = NULL;
	if (code)
		*code = 0;
	if (!c || !url || !content_type || !body || !out || !code)
		return acc_error_set(err, ACC_EINVAL, NULL,
		                     "no client, URL, content type, body or output");
	struct curl_slist *h = headers_for(accept, content_type);
	if (!h)
		return acc_error_set(err, ACC_ENOMEM, NULL, "out of memory");
	acc_status s = perform(c, url, h, body, len, code, err);
	curl_slist_free_all(h);
	if (s != ACC_OK)
		return s;
	if (*code < 200 || *code > 299)
		return http_failure(c, url, *code, err);
	json_t *v = NULL;
	if (c->body.len > 0 && acc_json_load(c->body.data, c->body.len, &v, NULL) != ACC_OK)
		v = NULL;
	if (!json_is_object(v)) {
		json_decref(v);
		return acc_error_set(err, ACC_EPARSE, NULL,
		                     "%s: the response is not a JSON object (Content-Type %s)", url,
		                     c->content_type[0] ? c->content_type : "none");
	}
	*out = v;
	return ACC_OK;
}

acc_status acc_client_get_json(acc_client *c, const char *url, json_t **out, acc_error *err)
{
	acc_error_clear(err);
	if (!out)
		return acc_error_set(err, ACC_EINVAL, NULL, "no place for the response");
	*out = NULL;
	if (!c || !url)
		return acc_error_set(err, ACC_EINVAL, NULL, "no client or URL");
	return request(c, url, NULL, 0, 200, out, err);
}

acc_status acc_client_discovery(acc_client *c, const char *url, json_t **out, acc_error *err)
{
	return acc_client_get_json(c, url, out, err);
}

acc_status acc_client_api_root(acc_client *c, const char *root_url, json_t **out, acc_error *err)
{
	return acc_client_get_json(c, root_url, out, err);
}

/* root_url + suffix into a fresh buffer; the caller frees b. */
static acc_status join(acc_buf *b, const char *root_url, const char *suffix, const char *id,
                       const char *tail, acc_error *err)
{
	acc_buf_init(b, 0);
	acc_buf_puts(b, root_url);
	acc_buf_puts(b, suffix);
	if (id) {
		acc_client_url_escape(b, id);
		acc_buf_puts(b, tail);
	}
	if (acc_buf_status(b) != ACC_OK) {
		acc_buf_free(b);
		return acc_error_set(err, ACC_ENOMEM, NULL, "out of memory");
	}
	return ACC_OK;
}

acc_status acc_client_collections(acc_client *c, const char *root_url, json_t **out, acc_error *err)
{
	acc_error_clear(err);
	if (!out)
		return acc_error_set(err, ACC_EINVAL, NULL, "no place for the response");
	*out = NULL;
	if (!c || !root_url)
		return acc_error_set(err, ACC_EINVAL, NULL, "no client or URL");
	acc_buf u;
	acc_status s = join(&u, root_url, "collections/", NULL, NULL, err);
	if (s != ACC_OK)
		return s;
	s = request(c, u.data, NULL, 0, 200, out, err);
	acc_buf_free(&u);
	return s;
}

acc_status acc_client_find_collection(acc_client *c, const char *root_url, const char *id_or_alias,
                                      json_t **out, acc_error *err)
{
	acc_error_clear(err);
	if (!out)
		return acc_error_set(err, ACC_EINVAL, NULL, "no place for the collection");
	*out = NULL;
	if (!id_or_alias)
		return acc_error_set(err, ACC_EINVAL, NULL, "no collection named");
	json_t *all = NULL;
	acc_status s = acc_client_collections(c, root_url, &all, err);
	if (s != ACC_OK)
		return s;
	json_t *list = json_object_get(all, "collections"), *found = NULL, *col;
	size_t i;
	if (list && !json_is_array(list)) {
		json_decref(all);
		return acc_error_set(err, ACC_EPARSE, NULL,
		                     "%scollections/: \"collections\" is not an array", root_url);
	}
	/* an id wins over an alias */
	json_array_foreach(list, i, col)
	{
		const char *id = json_string_value(json_object_get(col, "id"));
		if (id && strcmp(id, id_or_alias) == 0) {
			found = col;
			break;
		}
	}
	if (!found)
		json_array_foreach(list, i, col)
		{
			const char *alias = json_string_value(json_object_get(col, "alias"));
			if (alias && strcmp(alias, id_or_alias) == 0) {
				found = col;
				break;
			}
		}
	if (!found || !json_is_string(json_object_get(found, "id"))) {
		json_decref(all);
		return acc_error_set(err, ACC_ENOTFOUND, NULL,
		                     "%scollections/: no collection with id or alias '%s' "
		                     "(or no read or write access to it)",
		                     root_url, id_or_alias);
	}
	*out = json_incref(found);
	json_decref(all);
	return ACC_OK;
}

acc_status acc_client_get_objects(acc_client *c, const char *root_url, const char *collection_id,
                                  const acc_client_filter *f, acc_client_object_cb cb, void *ctx,
                                  acc_client_pages *info, acc_error *err)
{
	acc_error_clear(err);
	acc_client_pages none;
	if (!info)
		info = &none;
	memset(info, 0, sizeof *info);
	if (!c || !root_url || !collection_id || !cb)
		return acc_error_set(err, ACC_EINVAL, NULL,
		                     "no client, URL, collection or callback");
	acc_client_filter cur = {0};
	if (f)
		cur = *f;
	char *next = NULL, *after = NULL;
	acc_buf u;
	acc_buf_init(&u, 0);
	acc_status s = ACC_OK;
	for (;;) {
		acc_buf_reset(&u);
		acc_client_objects_url(&u, root_url, collection_id, &cur, next);
		if (acc_buf_status(&u) != ACC_OK) {
			s = acc_error_set(err, ACC_ENOMEM, NULL, "out of memory");
			break;
		}
		json_t *page = NULL;
		s = request(c, u.data, NULL, 0, 200, &page, err);
		if (s != ACC_OK)
			break;
		info->pages++;
		if (c->added_first[0] && !info->first_added[0])
			memcpy(info->first_added, c->added_first, sizeof info->first_added);
		if (c->added_last[0])
			memcpy(info->last_added, c->added_last, sizeof info->last_added);
		json_t *objs = json_object_get(page, "objects"), *o;
		if (objs && !json_is_array(objs)) {
			json_decref(page);
			s = acc_error_set(err, ACC_EPARSE, NULL, "%s: \"objects\" is not an array",
			                  u.data);
			break;
		}
		size_t i;
		int stop = 0;
		json_array_foreach(objs, i, o)
		{
			info->objects++;
			if (cb(ctx, o)) {
				stop = 1;
				break;
			}
		}
		int more = json_is_true(json_object_get(page, "more"));
		const char *nx = json_string_value(json_object_get(page, "next"));
		if (stop || !more) {
			json_decref(page);
			break;
		}
		if (nx && *nx) {
			if (next && strcmp(next, nx) == 0) {
				json_decref(page);
				s = acc_error_set(err, ACC_EINVALID, NULL,
				                  "%s: the server returned the same next twice",
				                  u.data);
				break;
			}
			acc_free(next);
			next = acc_strdup(nx);
			json_decref(page);
			if (!next) {
				s = acc_error_set(err, ACC_ENOMEM, NULL, "out of memory");
				break;
			}
			continue;
		}
		json_decref(page);
		/* more without next: continue after the last date added */
		if (!c->added_last[0] || json_array_size(objs) == 0 ||
		    (after && strcmp(after, c->added_last) == 0)) {
			s = acc_error_set(err, ACC_EINVALID, NULL,
			                  "%s: more is true but neither next nor a new "
			                  "X-TAXII-Date-Added-Last lets the pull go on",
			                  u.data);
			break;
		}
		acc_free(after);
		after = acc_strdup(c->added_last);
		if (!after) {
			s = acc_error_set(err, ACC_ENOMEM, NULL, "out of memory");
			break;
		}
		cur.added_after = after;
	}
	acc_buf_free(&u);
	acc_free(next);
	acc_free(after);
	return s;
}

acc_status acc_client_post_envelope(acc_client *c, const char *root_url, const char *collection_id,
                                    const char *body, size_t len, json_t **status, acc_error *err)
{
	acc_error_clear(err);
	if (!status)
		return acc_error_set(err, ACC_EINVAL, NULL, "no place for the status");
	*status = NULL;
	if (!c || !root_url || !collection_id || !body)
		return acc_error_set(err, ACC_EINVAL, NULL, "no client, URL, collection or body");
	acc_buf u;
	acc_status s = join(&u, root_url, "collections/", collection_id, "/objects/", err);
	if (s != ACC_OK)
		return s;
	s = request(c, u.data, body, len, 202, status, err);
	acc_buf_free(&u);
	return s;
}

acc_status acc_client_get_status(acc_client *c, const char *root_url, const char *status_id,
                                 json_t **out, acc_error *err)
{
	acc_error_clear(err);
	if (!out)
		return acc_error_set(err, ACC_EINVAL, NULL, "no place for the status");
	*out = NULL;
	if (!c || !root_url || !status_id)
		return acc_error_set(err, ACC_EINVAL, NULL, "no client, URL or status id");
	acc_buf u;
	acc_status s = join(&u, root_url, "status/", status_id, "/", err);
	if (s != ACC_OK)
		return s;
	s = request(c, u.data, NULL, 0, 200, out, err);
	acc_buf_free(&u);
	return s;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) != 0)
		;
}

acc_status acc_client_wait_status(acc_client *c, const char *root_url, json_t **status,
                                  long timeout_s, acc_error *err)
{
	acc_error_clear(err);
	if (!c || !root_url || !status || !json_is_object(*status))
		return acc_error_set(err, ACC_EINVAL, NULL, "no client, URL or status");
	if (timeout_s <= 0)
		timeout_s = 600;
	struct timespec t0, t;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	long wait = 50;
	for (;;) {
		const char *st = json_string_value(json_object_get(*status, "status"));
		if (!st || strcmp(st, "pending") != 0)
			return ACC_OK;
		const char *id = json_string_value(json_object_get(*status, "id"));
		if (!id)
			return acc_error_set(err, ACC_EPARSE, NULL,
			                     "%s: a pending status resource without an id",
			                     root_url);
		clock_gettime(CLOCK_MONOTONIC, &t);
		if (t.tv_sec - t0.tv_sec >= timeout_s)
			return acc_error_set(err, ACC_EIO, NULL,
			                     "%sstatus/%s/: still pending after %ld s", root_url,
			                     id, timeout_s);
		sleep_ms(wait);
		wait = wait * 2 > 2000 ? 2000 : wait * 2;
		json_t *fresh = NULL;
		acc_status s = acc_client_get_status(c, root_url, id, &fresh, err);
		if (s != ACC_OK)
			return s;
		json_decref(*status);
		*status = fresh;
	}
}
