/* response: building the response a handler returns (http.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http/http.h"

int resp_header(struct resp *resp, const char *name, const char *value)
{
	if (resp->nheaders == RESP_MAX_HEADERS)
		return -E2BIG;
	char *v = strdup(value);
	if (!v)
		return -ENOMEM;
	if (strcasecmp(name, "Set-Cookie") == 0)
		resp->personal = true;
	resp->headers[resp->nheaders].name = name;
	resp->headers[resp->nheaders].value = v;
	resp->nheaders++;
	return 0;
}

int resp_redirect(struct resp *resp, int status, const char *location)
{
	resp->status = status;
	resp->content_type = "text/plain; charset=utf-8";
	buf_reset(&resp->body);
	return resp_header(resp, "Location", location);
}

int resp_text(struct resp *resp, int status, const char *text)
{
	resp->status = status;
	resp->content_type = "text/plain; charset=utf-8";
	buf_reset(&resp->body);
	return buf_puts(&resp->body, text);
}

int resp_json(struct resp *resp, int status, const char *json)
{
	resp->status = status;
	resp->content_type = "application/json";
	buf_reset(&resp->body);
	return buf_puts(&resp->body, json);
}

void resp_free(struct resp *resp)
{
	if (!resp)
		return;
	buf_free(&resp->body);
	for (size_t i = 0; i < resp->nheaders; i++)
		free(resp->headers[i].value);
	resp->nheaders = 0;
}
