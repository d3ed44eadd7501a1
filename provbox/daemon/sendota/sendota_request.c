/*
 * sendota_request.c - sendota parameters -> job file (see sendota_request.h).
 *
 * Both request forms are first reduced to one list of (name, value)
 * parameters with sendota's names ("to", "pin", "otaid", ...), so that the
 * rules after that are written once.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include <libxml/tree.h>

#include "gwlib/gwlib.h"
#include "common/doc_type.h"
#include "common/sec_mode.h"
#include "encode/wbxml_xml.h"
#include "daemon/sendota/sendota_request.h"

#define OMA_TYPE "oma-settings"
#define HEADER_PREFIX "X-Kannel-"

typedef struct Param {
    Octstr *name;     /* lower case, sendota's spelling */
    Octstr *value;
} Param;

struct SendotaRequest {
    List *params;         /* Param*, in request order */
    Octstr *document;
    Octstr *body_type;    /* type chosen by a POST's Content-Type, or NULL */
    int unsupported_body; /* a POST whose Content-Type selects no type */
};

static void param_destroy(void *item)
{
    Param *p = item;

    octstr_destroy(p->name);
    octstr_destroy(p->value);
    gw_free(p);
}

static void add_param(SendotaRequest *req, Octstr *name, Octstr *value)
{
    Param *p = gw_malloc(sizeof(*p));

    p->name = octstr_duplicate(name);
    octstr_convert_range(p->name, 0, octstr_len(p->name), tolower);
    if (octstr_str_compare(p->name, "ota-id") == 0)
        octstr_delete(p->name, 3, 1);
    p->value = octstr_duplicate(value);
    octstr_strip_blanks(p->value);
    gwlist_append(req->params, p);
}

/* The first value of a parameter, or NULL. */
static Octstr *param(const SendotaRequest *req, const char *name)
{
    long i;

    for (i = 0; i < gwlist_len(req->params); i++) {
        Param *p = gwlist_get(req->params, i);
        if (octstr_str_compare(p->name, name) == 0)
            return octstr_len(p->value) > 0 ? p->value : NULL;
    }
    return NULL;
}

static int has_param(const SendotaRequest *req, Octstr *name)
{
    long i;

    for (i = 0; i < gwlist_len(req->params); i++)
        if (octstr_case_compare(((Param *) gwlist_get(req->params, i))->name, name) == 0)
            return 1;
    return 0;
}

static SendotaRequest *request_create(void)
{
    SendotaRequest *req = gw_malloc(sizeof(*req));

    req->params = gwlist_create();
    req->document = NULL;
    req->body_type = NULL;
    req->unsupported_body = 0;
    return req;
}

static void add_cgivars(SendotaRequest *req, List *cgivars, int only_missing)
{
    long i;

    for (i = 0; i < gwlist_len(cgivars); i++) {
        HTTPCGIVar *v = gwlist_get(cgivars, i);
        if (octstr_str_case_compare(v->name, "text") == 0)
            continue;
        if (!only_missing || !has_param(req, v->name))
            add_param(req, v->name, v->value);
    }
}

SendotaRequest *sendota_request_from_get(List *cgivars)
{
    SendotaRequest *req = request_create();
    Octstr *text = http_cgi_variable(cgivars, "text");

    add_cgivars(req, cgivars, 0);
    req->document = octstr_duplicate(text);
    return req;
}

static const struct {
    const char *content_type;
    const char *type;     /* NULL: from `type` or the root element */
} body_types[] = {
    { "text/vnd.wap.connectivity-xml", OMA_TYPE },
    { "application/x-wap-prov.browser-settings", "settings" },
    { "application/x-wap-prov.browser-bookmarks", "bookmarks" },
    { "text/xml", NULL },
    { "application/xml", NULL },
};

static int body_type(List *headers, Octstr **type)
{
    Octstr *content_type, *charset;
    size_t i;
    int found = -1;

    http_header_get_content_type(headers, &content_type, &charset);
    for (i = 0; found < 0 && i < sizeof(body_types) / sizeof(body_types[0]); i++)
        if (octstr_str_case_compare(content_type, body_types[i].content_type) == 0) {
            *type = body_types[i].type != NULL ? octstr_create(body_types[i].type) : NULL;
            found = 0;
        }
    octstr_destroy(content_type);
    octstr_destroy(charset);
    return found;
}

SendotaRequest *sendota_request_from_post(List *headers, Octstr *body, List *cgivars)
{
    SendotaRequest *req = request_create();
    Octstr *name, *value, *short_name;
    long i, prefix = (long) strlen(HEADER_PREFIX);

    req->unsupported_body = body_type(headers, &req->body_type) < 0;
    for (i = 0; i < gwlist_len(headers); i++) {
        http_header_get(headers, i, &name, &value);
        if (octstr_len(name) > prefix
            && octstr_case_nsearch(name, octstr_imm(HEADER_PREFIX), 0, prefix) == 0) {
            short_name = octstr_copy(name, prefix, octstr_len(name));
            add_param(req, short_name, value);
            octstr_destroy(short_name);
        }
        octstr_destroy(name);
        octstr_destroy(value);
    }
    add_cgivars(req, cgivars, 1);
    req->document = octstr_duplicate(body);
    return req;
}

void sendota_request_destroy(SendotaRequest *req)
{
    if (req == NULL)
        return;
    gwlist_destroy(req->params, param_destroy);
    octstr_destroy(req->document);
    octstr_destroy(req->body_type);
    gw_free(req);
}

Octstr *sendota_request_username(const SendotaRequest *req)
{
    return param(req, "username");
}

Octstr *sendota_request_password(const SendotaRequest *req)
{
    return param(req, "password");
}

/* ---- the job ------------------------------------------------------------- */

static Octstr *check_line_breaks(const SendotaRequest *req)
{
    long i;

    for (i = 0; i < gwlist_len(req->params); i++) {
        Param *p = gwlist_get(req->params, i);
        if (octstr_search_char(p->value, '\n', 0) >= 0 || octstr_search_char(p->value, '\r', 0) >= 0
            || octstr_search_char(p->value, '\0', 0) >= 0)
            return octstr_format("parameter '%S' contains a line break or a NUL byte", p->name);
    }
    return NULL;
}

/* Every `to` value, split at spaces and commas. */
static List *recipients(const SendotaRequest *req)
{
    List *out = gwlist_create(), *words;
    Octstr *word;
    long i;

    for (i = 0; i < gwlist_len(req->params); i++) {
        Param *p = gwlist_get(req->params, i);
        if (octstr_str_compare(p->name, "to") != 0)
            continue;
        words = octstr_split_words(p->value);
        while ((word = gwlist_extract_first(words)) != NULL) {
            List *parts = octstr_split(word, octstr_imm(","));
            Octstr *part;
            while ((part = gwlist_extract_first(parts)) != NULL)
                if (octstr_len(part) > 0)
                    gwlist_append(out, part);
                else
                    octstr_destroy(part);
            gwlist_destroy(parts, NULL);
            octstr_destroy(word);
        }
        gwlist_destroy(words, NULL);
    }
    return out;
}

/* The type named by the document's root element, or NULL + *reason. */
static Octstr *type_from_root(Octstr *document, Octstr **reason)
{
    Octstr *cause = NULL, *type = NULL;
    xmlDocPtr doc = wbxml_xml_parse(document, &cause);
    const char *root;

    if (doc == NULL) {
        *reason = octstr_format("Erroneous ota source, cannot compile: %S", cause);
        octstr_destroy(cause);
        return NULL;
    }
    root = (const char *) xmlDocGetRootElement(doc)->name;
    if (strcasecmp(root, "wap-provisioningdoc") == 0)
        type = octstr_create(OMA_TYPE);
    else if (strcasecmp(root, "CHARACTERISTIC-LIST") == 0)
        type = octstr_create("settings");
    else if (strcasecmp(root, "SyncSettings") == 0)
        type = octstr_create("syncsettings");
    else
        *reason = octstr_format("cannot tell the type from the root element <%s>; "
                                "give type=", root);
    xmlFreeDoc(doc);
    return type;
}

static Octstr *request_type(const SendotaRequest *req, Octstr **reason)
{
    Octstr *given = param(req, "type");
    DocType type;

    if (given != NULL) {
        if (doc_type_parse(given, &type) == 0)
            return octstr_create(doc_type_name(type));
        *reason = octstr_create("Erroneous document type: type must be oma-settings, "
                                "settings, bookmarks or syncsettings");
        return NULL;
    }
    if (req->body_type != NULL)
        return octstr_duplicate(req->body_type);
    return type_from_root(req->document, reason);
}

/* Sec:, Pin: and IMSI: lines for the type, or NULL + *reason. */
static Octstr *security_lines(const SendotaRequest *req, Octstr *type, Octstr **reason)
{
    Octstr *sec = param(req, "sec"), *pin = param(req, "pin"), *imsi = param(req, "imsi");
    Octstr *lines;
    SecMode mode = SEC_USERPIN;

    if (octstr_str_compare(type, OMA_TYPE) != 0) {
        if ((sec != NULL && octstr_str_case_compare(sec, "none") != 0) || pin != NULL
            || imsi != NULL) {
            *reason = octstr_format("type=%S is unsigned by design; leave out sec, pin "
                                    "and imsi", type);
            return NULL;
        }
        return octstr_create("Sec: NONE\n");
    }
    if (sec != NULL && sec_mode_parse(sec, &mode) < 0) {
        *reason = octstr_create("sec must be userpin, netwpin, usernetwpin, userpinmac or none");
        return NULL;
    }
    if (mode == SEC_NETWPIN && pin != NULL && imsi != NULL && octstr_compare(pin, imsi) != 0) {
        *reason = octstr_create("sec=netwpin: pin and imsi differ; give the IMSI once");
        return NULL;
    }
    if (mode == SEC_NETWPIN && imsi == NULL) {
        imsi = pin;
        pin = NULL;
    } else if (mode == SEC_NETWPIN)
        pin = NULL;
    if (sec_mode_needs_pin(mode) && pin == NULL) {
        *reason = octstr_format("sec=%s needs pin (provbox has no default PIN)",
                                sec_mode_name(mode));
        return NULL;
    }
    if (sec_mode_needs_imsi(mode) && imsi == NULL) {
        *reason = octstr_format("sec=%s needs the subscriber's IMSI in imsi%s",
                                sec_mode_name(mode), mode == SEC_NETWPIN ? " or pin" : "");
        return NULL;
    }
    lines = octstr_format("Sec: %s\n", sec_mode_name(mode));
    if (pin != NULL)
        octstr_format_append(lines, "Pin: %S\n", pin);
    if (imsi != NULL)
        octstr_format_append(lines, "IMSI: %S\n", imsi);
    return lines;
}

static void append_optional(Octstr *job, const char *header, Octstr *value)
{
    if (value != NULL)
        octstr_format_append(job, "%s: %S\n", header, value);
}

/* "1"/"true" -> yes, "0"/"false" -> no; anything else is left to job_parse. */
static Octstr *dlr_value(Octstr *dlr)
{
    if (dlr == NULL)
        return NULL;
    if (octstr_str_compare(dlr, "1") == 0 || octstr_str_case_compare(dlr, "true") == 0)
        return octstr_imm("yes");
    if (octstr_str_compare(dlr, "0") == 0 || octstr_str_case_compare(dlr, "false") == 0)
        return octstr_imm("no");
    return dlr;
}

static Octstr *recipient_lines(const SendotaRequest *req, const SendotaUser *user,
                               Octstr **reason)
{
    List *to = recipients(req);
    Octstr *lines = NULL, *msisdn;

    if (gwlist_len(to) == 0)
        *reason = octstr_create("Wrong sendota args: to is missing");
    else if (gwlist_len(to) > user->max_recipients)
        *reason = octstr_format("%ld recipients; this user may send to at most %ld "
                                "in one request", gwlist_len(to), user->max_recipients);
    else {
        lines = octstr_create("");
        while ((msisdn = gwlist_extract_first(to)) != NULL) {
            octstr_format_append(lines, "To: %S\n", msisdn);
            octstr_destroy(msisdn);
        }
    }
    gwlist_destroy(to, octstr_destroy_item);
    return lines;
}

static Octstr *smsc_of(const SendotaRequest *req, const SendotaUser *user)
{
    if (user->forced_smsc != NULL)
        return user->forced_smsc;
    return param(req, "smsc") != NULL ? param(req, "smsc") : user->default_smsc;
}

static Octstr *document_check(const SendotaRequest *req)
{
    if (octstr_len(req->document) > 0)
        return NULL;
    if (param(req, "otaid") != NULL)
        return octstr_create("otaid: provbox has no ota-setting or ota-bookmark groups; "
                             "send the document itself in text= (or as a POST body)");
    return octstr_create("Wrong sendota args: text (the XML document) is missing");
}

Octstr *sendota_request_job(const SendotaRequest *req, const SendotaUser *user,
                            int *status, Octstr **reason)
{
    Octstr *to, *type, *security, *from, *job;

    *status = HTTP_BAD_REQUEST;
    if (req->unsupported_body) {
        *status = HTTP_UNSUPPORTED_MEDIA_TYPE;
        *reason = octstr_create("Unsupported content-type, rejected");
        return NULL;
    }
    if ((*reason = check_line_breaks(req)) != NULL || (*reason = document_check(req)) != NULL)
        return NULL;
    if ((to = recipient_lines(req, user, reason)) == NULL)
        return NULL;
    if ((type = request_type(req, reason)) == NULL
        || (security = security_lines(req, type, reason)) == NULL) {
        octstr_destroy(to);
        octstr_destroy(type);
        return NULL;
    }
    from = param(req, "from") != NULL ? param(req, "from") : user->default_sender;
    job = octstr_format("%S%SType: %S\n", to, security, type);
    append_optional(job, "From", from);
    append_optional(job, "SMSC", smsc_of(req, user));
    append_optional(job, "DLR", dlr_value(param(req, "dlr")));
    append_optional(job, "Validity", param(req, "validity"));
    append_optional(job, "Priority", param(req, "priority"));
    append_optional(job, "Not-Before", param(req, "not-before"));
    append_optional(job, "Id", param(req, "id"));
    octstr_append_char(job, '\n');
    octstr_append(job, req->document);
    octstr_destroy(to);
    octstr_destroy(type);
    octstr_destroy(security);
    return job;
}
