/*
 * lint_walk.c - one pass of lint over one document (see lint_walk.h):
 * each characteristic against its ProvCont rule (place, parms, values,
 * mandatory parms) or, inside APPLICATION, against the APPID's OMNA rule;
 * ids and references handed to lint_refs.c on the way. A value holding a
 * {{NAME}} placeholder (encode/placeholder.h) is known only per recipient:
 * its form is not checked and it is neither an id nor a reference; that
 * it is there (a mandatory parm, a secret) still counts.
 */
#include <stdarg.h>
#include <string.h>

#include <libxml/tree.h>

#include "gwlib/gwlib.h"
#include "encode/placeholder.h"
#include "encode/wbxml_xml.h"
#include "lint/lint_refs.h"
#include "lint/lint_rules.h"
#include "lint/lint_values.h"
#include "lint/lint_walk.h"

struct LintWalk {
    LintOptions options;
    List *findings;           /* LintFinding*, sorted by line */
    LintRefs *refs;
    long password_line;       /* first secret parm with a value, or 0 */
};

/* The characteristic being checked: its rule and its application. */
typedef struct Place {
    const char *type;         /* its type, "-" for the top level */
    const LintCharRule *rule; /* NULL: not a ProvCont characteristic */
    const LintAppRule *app;   /* inside an APPLICATION with a known APPID */
    int in_application;
} Place;

static void check_children(LintWalk *walk, xmlNodePtr parent, const Place *place);

/* ---- findings ---- */

void lint_walk_report(LintWalk *walk, long line, LintSeverity severity, const char *fmt, ...)
{
    LintFinding *f = gw_malloc(sizeof(*f));
    long at = gwlist_len(walk->findings);
    va_list args;

    va_start(args, fmt);
    f->message = octstr_format_valist(fmt, args);
    va_end(args);
    f->line = line;
    f->severity = severity;
    while (at > 0 && ((LintFinding *) gwlist_get(walk->findings, at - 1))->line > line)
        at--;
    gwlist_insert(walk->findings, at, f);
}

List *lint_walk_findings(LintWalk *walk)
{
    List *findings = walk->findings;

    walk->findings = gwlist_create();
    return findings;
}

/* ---- the walk's state ---- */

LintWalk *lint_walk_create(const LintOptions *options)
{
    LintWalk *walk = gw_malloc(sizeof(*walk));

    walk->options = *options;
    walk->findings = gwlist_create();
    walk->refs = lint_refs_create();
    walk->password_line = 0;
    return walk;
}

void lint_walk_destroy(LintWalk *walk)
{
    if (walk == NULL)
        return;
    lint_findings_destroy(walk->findings);
    lint_refs_destroy(walk->refs);
    gw_free(walk);
}

/* ---- reading the tree ---- */

static long line_of(xmlNodePtr node)
{
    long line = xmlGetLineNo(node);

    return line > 0 ? line : 1;
}

static int is_element(xmlNodePtr node, const char *name)
{
    return node->type == XML_ELEMENT_NODE && strcmp((const char *) node->name, name) == 0;
}

/* An attribute as a new Octstr, or NULL when it is absent. */
static Octstr *attribute(xmlNodePtr node, const char *name)
{
    xmlChar *value = xmlGetProp(node, (const xmlChar *) name);
    Octstr *out;

    if (value == NULL)
        return NULL;
    out = octstr_create((const char *) value);
    xmlFree(value);
    return out;
}

/* ---- values ---- */

static void check_enum(LintWalk *walk, long line, const char *name, Octstr *value,
                       const LintParmRule *rule)
{
    const char *text = octstr_get_cstr(value);
    Octstr *shown;

    if (lint_list_find(rule->values, text, NULL) == 0)
        return;
    shown = lint_quoted(value);
    if (rule->vendor != NULL && lint_list_find(rule->vendor, text, NULL) == 0)
        lint_walk_report(walk, line, LINT_WARNING, "%s %S is a vendor extension, not a "
                         "ProvCont value; phones of other makes ignore it", name, shown);
    else
        lint_walk_report(walk, line, LINT_ERROR, "%s %S is not one of the values ProvCont "
                         "allows (%s; compared case-sensitively)", name, shown, rule->values);
    octstr_destroy(shown);
}

static int value_fits(const LintParmRule *rule, Octstr *value)
{
    switch (rule->kind) {
    case VALUE_PORT:
        return lint_is_port(value);
    case VALUE_NUMBER:
        return lint_is_number(value);
    case VALUE_IP:
        return lint_is_ipv4(value) || lint_is_ipv6(value);
    case VALUE_SPEED:
        return lint_is_number(value) || octstr_str_compare(value, "AUTOBAUDING") == 0;
    case VALUE_FLAG01:
        return octstr_str_compare(value, "0") == 0 || octstr_str_compare(value, "1") == 0;
    default:
        return 1;
    }
}

static const char *form_of(LintValueKind kind)
{
    switch (kind) {
    case VALUE_PORT:
        return "a port number from 1 to 65535";
    case VALUE_NUMBER:
        return "a whole number (decimal digits)";
    case VALUE_IP:
        return "an IPv4 or IPv6 address";
    case VALUE_SPEED:
        return "AUTOBAUDING or a whole number";
    default:
        return "0 or 1";
    }
}

static void check_value(LintWalk *walk, long line, const char *name, Octstr *value)
{
    const LintParmRule *rule = lint_parm_rule(name);
    Octstr *shown;

    if (rule == NULL || value == NULL || rule->kind == VALUE_ANY)
        return;
    if (rule->kind == VALUE_ENUM || rule->kind == VALUE_ADDRTYPE) {
        check_enum(walk, line, name, value, rule);
        return;
    }
    if (value_fits(rule, value))
        return;
    shown = lint_quoted(value);
    lint_walk_report(walk, line, LINT_ERROR, "%s %S is not %s", name, shown,
                     form_of(rule->kind));
    octstr_destroy(shown);
}

/* ---- parms of one characteristic ---- */

/* One parm as the walk saw it. */
typedef struct Parm {
    const char *name;         /* name_text's characters */
    Octstr *name_text;
    Octstr *value;            /* or NULL */
    int templated;            /* the value holds a placeholder */
    long line;
} Parm;

static void parm_destroy(void *item)
{
    Parm *p = item;

    octstr_destroy(p->name_text);
    octstr_destroy(p->value);
    gw_free(p);
}

static List *read_parms(xmlNodePtr node)
{
    List *parms = gwlist_create();
    xmlNodePtr child;
    Parm *p;
    Octstr *name;

    for (child = node->children; child != NULL; child = child->next) {
        if (!is_element(child, "parm") || (name = attribute(child, "name")) == NULL)
            continue;
        p = gw_malloc(sizeof(*p));
        p->name_text = name;
        p->name = octstr_get_cstr(name);
        p->value = attribute(child, "value");
        p->templated = p->value != NULL && placeholder_in_text(octstr_get_cstr(p->value));
        p->line = line_of(child);
        gwlist_append(parms, p);
    }
    return parms;
}

static const Parm *find_parm(List *parms, const char *name)
{
    long i;
    Parm *p;

    for (i = 0; i < gwlist_len(parms); i++)
        if (strcmp((p = gwlist_get(parms, i))->name, name) == 0)
            return p;
    return NULL;
}

/* A parm the characteristic's rule does not list. */
static void report_misplaced_parm(LintWalk *walk, const Place *place, const Parm *p)
{
    Octstr *belongs;

    if (place->in_application) {
        if (place->app != NULL)
            lint_walk_report(walk, p->line, LINT_WARNING, "parm %s is not defined in %s for "
                             "APPID %s (%s); phones ignore it", p->name, place->type,
                             place->app->appid, place->app->what);
        return;
    }
    belongs = lint_where_parm_belongs(p->name);
    if (octstr_len(belongs) > 0)
        lint_walk_report(walk, p->line, LINT_ERROR, "parm %s is not allowed in %s "
                         "(it belongs in %S)", p->name, place->type, belongs);
    else
        lint_walk_report(walk, p->line, LINT_ERROR, "parm %s is not a ProvCont parm of %s",
                         p->name, place->type);
    octstr_destroy(belongs);
}

/* Is the parm allowed here: -1 not, else its marks (LINT_MANY: no limit
 * lint knows of). */
static int parm_marks(const Place *place, const Parm *p)
{
    const char *app_parms = lint_app_parms(place->app, place->type);
    int marks = 0;

    if (lint_list_find(place->rule->parms, p->name, &marks) == 0)
        return marks;
    if (app_parms != NULL && lint_list_find(app_parms, p->name, NULL) == 0)
        return LINT_MANY;
    return place->rule->any_parm ? LINT_MANY : -1;
}

static void check_parm_counts(LintWalk *walk, const Place *place, List *parms)
{
    long i;
    Parm *p;
    const Parm *first;
    int marks;

    for (i = 0; i < gwlist_len(parms); i++) {
        p = gwlist_get(parms, i);
        if ((marks = parm_marks(place, p)) < 0) {
            report_misplaced_parm(walk, place, p);
            continue;
        }
        first = find_parm(parms, p->name);
        if (first != p && !(marks & LINT_MANY))
            lint_walk_report(walk, p->line, LINT_ERROR, "%s has a second %s (the first is "
                             "on line %ld); ProvCont allows one", place->type, p->name,
                             first->line);
    }
}

/* The mandatory parms of a list that are missing. */
static void check_mandatory(LintWalk *walk, const Place *place, List *parms, long line)
{
    const char *p = place->rule->parms, *end;
    char name[64];
    size_t n;

    while (*p != '\0') {
        while (*p == ' ')
            p++;
        end = p + strcspn(p, " ");
        n = strcspn(p, "!* ");
        if (memchr(p + n, '!', end - p - n) != NULL && n < sizeof(name)) {
            memcpy(name, p, n);
            name[n] = '\0';
            if (find_parm(parms, name) == NULL)
                lint_walk_report(walk, line, LINT_ERROR, "%s without %s (ProvCont requires it)",
                                 place->type, name);
        }
        p = end;
    }
}

static void check_address(LintWalk *walk, List *parms, const char *addr_name,
                          const char *type_name)
{
    const Parm *addr = find_parm(parms, addr_name), *type = find_parm(parms, type_name);
    Octstr *shown;

    if (addr == NULL || addr->value == NULL || addr->templated
        || (type != NULL && type->templated))
        return;
    shown = lint_quoted(addr->value);
    if (lint_list_find("IPV4 IPV6 E164 ALPHA APN SCODE TETRA-ITSI MAN",
                       octstr_get_cstr(addr->value), NULL) == 0)
        lint_walk_report(walk, addr->line, LINT_ERROR, "%s %S is an address type, not an "
                         "address: are %s and %s swapped?", addr_name, shown, addr_name,
                         type_name);
    else if (type != NULL && type->value != NULL
             && lint_list_find(lint_parm_rule(type_name)->values,
                               octstr_get_cstr(type->value), NULL) == 0
             && !lint_fits_addrtype(addr->value, octstr_get_cstr(type->value)))
        lint_walk_report(walk, addr->line, LINT_ERROR, "%s %S is not an address of type %S "
                         "(%s on line %ld)", addr_name, shown, type->value, type_name,
                         type->line);
    octstr_destroy(shown);
}

static void check_secret(LintWalk *walk, const Parm *p)
{
    if (walk->password_line == 0 && p->value != NULL && octstr_len(p->value) > 0
        && lint_parm_is_secret(p->name))
        walk->password_line = p->line;
}

/* Ids this characteristic defines, references it makes, secrets it holds. */
static void collect_ids(LintWalk *walk, const Place *place, List *parms)
{
    long i;
    Parm *p;

    for (i = 0; i < gwlist_len(parms); i++) {
        p = gwlist_get(parms, i);
        check_secret(walk, p);
        if (p->value != NULL && !p->templated)
            lint_refs_note(walk->refs, place->type, p->name, p->value, p->line);
    }
}

static void check_app_values(LintWalk *walk, const Place *place, List *parms)
{
    const Parm *p = find_parm(parms, "AAUTHTYPE");
    Octstr *shown;

    if (place->app == NULL || place->app->aauthtype == NULL || p == NULL || p->value == NULL
        || p->templated || lint_list_find(place->app->aauthtype, octstr_get_cstr(p->value), NULL) == 0)
        return;
    shown = lint_quoted(p->value);
    lint_walk_report(walk, p->line, LINT_WARNING, "AAUTHTYPE %S is not defined for APPID %s "
                     "(%s: %s)", shown, place->app->appid, place->app->what,
                     place->app->aauthtype);
    octstr_destroy(shown);
}

static void check_parms(LintWalk *walk, const Place *place, List *parms, long line)
{
    long i;
    Parm *p;

    check_parm_counts(walk, place, parms);
    check_mandatory(walk, place, parms, line);
    for (i = 0; i < gwlist_len(parms); i++) {
        p = gwlist_get(parms, i);
        if (!p->templated && !(place->in_application && strcmp(p->name, "SERVICE") == 0))
            check_value(walk, p->line, p->name, p->value);
    }
    check_address(walk, parms, "NAP-ADDRESS", "NAP-ADDRTYPE");
    check_address(walk, parms, "PXADDR", "PXADDRTYPE");
    check_address(walk, parms, "LOCAL-ADDR", "LOCAL-ADDRTYPE");
    if (strcmp(place->type, "APPADDR") == 0)
        check_address(walk, parms, "ADDR", "ADDRTYPE");
    check_app_values(walk, place, parms);
    collect_ids(walk, place, parms);
}

/* ---- characteristics ---- */

/* The application an APPLICATION characteristic sets up. */
static const LintAppRule *application_of(LintWalk *walk, List *parms)
{
    const Parm *appid = find_parm(parms, "APPID");
    Octstr *shown;

    if (appid == NULL || appid->value == NULL)
        return NULL;
    if (lint_app_rule(octstr_get_cstr(appid->value)) != NULL)
        return lint_app_rule(octstr_get_cstr(appid->value));
    if (!lint_appid_known(octstr_get_cstr(appid->value))) {
        shown = lint_quoted(appid->value);
        lint_walk_report(walk, appid->line, LINT_WARNING, "APPID %S is neither registered "
                         "with OMNA nor a well-known one; phones that do not know it may "
                         "reject the whole message", shown);
        octstr_destroy(shown);
    }
    return NULL;
}

/* "PXLOGICAL, PXPHYSICAL" or "the top level", from a type list. */
static Octstr *places_of(const char *types)
{
    Octstr *out;

    if (strcmp(types, "-") == 0)
        return octstr_create("the top level");
    out = octstr_create(types);
    octstr_replace(out, octstr_imm(" "), octstr_imm(", "));
    return out;
}

static void check_place(LintWalk *walk, const LintCharRule *rule, const Place *parent,
                        long line)
{
    Octstr *belongs;

    if (lint_list_find(rule->parents, parent->type, NULL) == 0)
        return;
    if (parent->rule == NULL && strcmp(parent->type, "-") != 0)
        return;
    belongs = places_of(rule->parents);
    if (strcmp(parent->type, "-") == 0)
        lint_walk_report(walk, line, LINT_ERROR, "characteristic %s is not allowed at the top "
                         "level (it belongs in %S)", rule->type, belongs);
    else
        lint_walk_report(walk, line, LINT_ERROR, "characteristic %s is not allowed in %s "
                         "(it belongs in %S)", rule->type, parent->type, belongs);
    octstr_destroy(belongs);
}

static void check_required_children(LintWalk *walk, xmlNodePtr node, const Place *place)
{
    xmlNodePtr child;
    Octstr *type;
    int found = 0;

    if (strcmp(place->type, "PXLOGICAL") != 0)
        return;
    for (child = node->children; child != NULL && !found; child = child->next) {
        if (!is_element(child, "characteristic"))
            continue;
        type = attribute(child, "type");
        found = type != NULL && octstr_str_compare(type, "PXPHYSICAL") == 0;
        octstr_destroy(type);
    }
    if (!found)
        lint_walk_report(walk, line_of(node), LINT_ERROR, "PXLOGICAL without PXPHYSICAL "
                         "(ProvCont requires at least one)");
}

static void check_security_policy(LintWalk *walk, xmlNodePtr node)
{
    List *parms = read_parms(node);
    long i, id;
    Parm *p;
    Octstr *name;

    for (i = 0; i < gwlist_len(parms); i++) {
        p = gwlist_get(parms, i);
        name = octstr_create(p->name);
        id = lint_is_number(name) && octstr_len(name) < 10 ? atol(p->name) : -1;
        if (id < 0)
            lint_walk_report(walk, p->line, LINT_ERROR, "SecurityPolicy parm %s is not a "
                             "policy id (a decimal number)", p->name);
        else if (id < 4104 || id > 4143)
            lint_walk_report(walk, p->line, LINT_WARNING, "SecurityPolicy %ld is not one of "
                             "the documented policies (4104 to 4143)", id);
        octstr_destroy(name);
    }
    gwlist_destroy(parms, parm_destroy);
}

/* A type ProvCont does not define: a Windows Mobile CSP or a vendor's. */
static void check_foreign(LintWalk *walk, xmlNodePtr node, Octstr *type, const Place *parent)
{
    Octstr *shown;

    if (octstr_str_compare(type, "SecurityPolicy") == 0 && strcmp(parent->type, "-") == 0)
        check_security_policy(walk, node);
    if (parent->rule == NULL)
        return;
    shown = lint_quoted(type);
    lint_walk_report(walk, line_of(node), LINT_WARNING, "characteristic %S in %s is not a "
                     "ProvCont characteristic; only phones of the vendor that defines it "
                     "use it", shown, parent->type);
    octstr_destroy(shown);
}

static void check_characteristic(LintWalk *walk, xmlNodePtr node, const Place *parent)
{
    Octstr *type = attribute(node, "type");
    const LintCharRule *rule = type != NULL ? lint_char_rule(octstr_get_cstr(type)) : NULL;
    Place place;
    List *parms;

    if (rule == NULL) {
        if (type != NULL)
            check_foreign(walk, node, type, parent);
        octstr_destroy(type);
        return;
    }
    octstr_destroy(type);
    check_place(walk, rule, parent, line_of(node));
    place.type = rule->type;
    place.rule = rule;
    place.in_application = parent->in_application || strcmp(rule->type, "APPLICATION") == 0;
    parms = read_parms(node);
    place.app = strcmp(rule->type, "APPLICATION") == 0 ? application_of(walk, parms)
                : parent->app;
    check_parms(walk, &place, parms, line_of(node));
    gwlist_destroy(parms, parm_destroy);
    check_required_children(walk, node, &place);
    check_children(walk, node, &place);
}

static void check_children(LintWalk *walk, xmlNodePtr parent, const Place *place)
{
    xmlNodePtr child;

    for (child = parent->children; child != NULL; child = child->next) {
        if (child->type != XML_ELEMENT_NODE || is_element(child, "parm"))
            continue;
        if (is_element(child, "characteristic"))
            check_characteristic(walk, child, place);
        else if (!lint_wm_element((const char *) child->name))
            lint_walk_report(walk, line_of(child), LINT_WARNING, "element <%s> is not part of "
                             "ProvCont (sent as a LITERAL); phones that do not know it "
                             "ignore it", (const char *) child->name);
    }
}

static void check_document_wide(LintWalk *walk)
{
    lint_refs_check(walk->refs, walk);
    if (walk->options.sec_known && walk->options.sec == SEC_NONE && walk->password_line > 0)
        lint_walk_report(walk, walk->password_line, LINT_WARNING, "a password is sent under "
                         "Sec: NONE: anyone can read it, and phones may reject the settings");
}

int lint_walk_document(LintWalk *walk, Octstr *xml, Octstr **error)
{
    xmlDocPtr doc = wbxml_xml_parse(xml, error);
    Place top = { "-", NULL, NULL, 0 };

    if (doc == NULL)
        return -1;
    check_children(walk, xmlDocGetRootElement(doc), &top);
    check_document_wide(walk);
    xmlFreeDoc(doc);
    return 0;
}
